using ItInventory.Console;
using ItInventory.Console.Services;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Authentication;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// Configuration only decides where the API and the identity provider are: appsettings.json (Azure: Entra ID, written
// at deploy time); the local host overlays appsettings.json with the development provider and its API.
var apiBase = new Uri(builder.Configuration["Api:BaseUrl"] ?? throw new InvalidOperationException("Api:BaseUrl"));
var apiScope = builder.Configuration["Oidc:ApiScope"] ?? throw new InvalidOperationException("Oidc:ApiScope");

builder.Services.AddFluentUIComponents();
// Today for the findings age filter and snooze dates (a fake clock in component tests).
builder.Services.AddSingleton(TimeProvider.System);
builder
    .Services.AddOidcAuthentication(options =>
    {
        options.ProviderOptions.Authority = builder.Configuration["Oidc:Authority"];
        options.ProviderOptions.ClientId = builder.Configuration["Oidc:ClientId"];
        options.ProviderOptions.ResponseType = "code";
        options.ProviderOptions.DefaultScopes.Add(apiScope);
        options.UserOptions.RoleClaim = "roles";
        options.UserOptions.NameClaim = "name";
    })
    .AddAccountClaimsPrincipalFactory<RolesAccountFactory>();
builder.Services.AddScoped(provider =>
{
    var handler = provider
        .GetRequiredService<AuthorizationMessageHandler>()
        .ConfigureHandler(authorizedUrls: [apiBase.ToString()], scopes: [apiScope]);
    handler.InnerHandler = new HttpClientHandler();
    return new ApiClient(new HttpClient(handler) { BaseAddress = apiBase });
});

await builder.Build().RunAsync();
