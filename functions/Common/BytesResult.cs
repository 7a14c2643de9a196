using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ItInventory.Functions.Common;

/// <summary>Writes bytes (an image, a document) with a status code and content type.</summary>
public sealed class BytesResult(int statusCode, string contentType, byte[] body) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public string ContentType { get; } = contentType;

    public byte[] Body { get; } = body;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, context.HttpContext.RequestAborted);
    }
}
