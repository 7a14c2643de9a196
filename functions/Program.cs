using ItInventory.Functions;
using ItInventory.Functions.Common;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();

// After the ASP.NET Core integration, so the problem it sets is executed like a returned result.
builder.UseWhen<HttpErrorMiddleware>(HttpErrorMiddleware.Applies);

builder.Services.AddItInventory(builder.Configuration);

builder.Build().Run();
