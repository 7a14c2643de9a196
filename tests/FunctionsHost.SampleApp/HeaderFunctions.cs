using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsHost.SampleApp;

/// <summary>Header pass-through: the host must forward header values as they came, non-ASCII (UTF-8) ones
/// too.</summary>
public sealed class HeaderFunctions
{
    [Function(nameof(EchoHeader))]
    public IActionResult EchoHeader(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "echo-header")] HttpRequest request
    ) => new OkObjectResult(new { value = request.Headers["x-echo"].ToString() });
}
