using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace FunctionsHost.Tests.Infrastructure;

/// <summary>
/// A stand-in for the Entra ID metadata endpoints, on a loopback port, for an app that runs as its own process (the
/// in-process tests swap the JWT options instead, which a worker process does not allow). It serves the OpenID
/// configuration (issuer <see cref="TestTokens.Issuer"/>) and the public half of a key of its own; tokens minted
/// with <see cref="Mint"/> then pass the worker's real validation. The app points at it with
/// <see cref="Settings"/> (AzureAd__Instance = this server).
/// </summary>
public sealed class LocalEntra : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "local-entra-key" };

    private LocalEntra(WebApplication app) => this.app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The paths the worker asked for, for diagnostics.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<LocalEntra> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var entra = new LocalEntra(builder.Build());
        entra.app.Run(entra.AnswerAsync);
        await entra.app.StartAsync();
        var address = entra
            .app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        entra.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return entra;
    }

    /// <summary>The app settings that make the worker validate tokens against this server.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings() =>
        [
            new("AzureAd__Instance", BaseUri.ToString()),
            new("AzureAd__TenantId", TestTokens.TenantId),
            new("AzureAd__ClientId", TestTokens.ClientId),
            // Bound to the JWT bearer options too: this server speaks plain HTTP on loopback, and the Entra issuer
            // validator, which would fetch the issuer over HTTPS, finds it among the valid issuers first.
            new("AzureAd__RequireHttpsMetadata", "false"),
            new("AzureAd__TokenValidationParameters__ValidIssuer", TestTokens.Issuer),
        ];

    public string Bearer(Persona persona) => "Bearer " + TestTokens.Mint(persona, key: key);

    private async Task AnswerAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        Requests.Enqueue(path);
        JsonNode answer;
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            string Endpoint(string relative) => new Uri(BaseUri, $"{TestTokens.TenantId}/{relative}").ToString();
            answer = new JsonObject
            {
                ["issuer"] = TestTokens.Issuer,
                ["jwks_uri"] = Endpoint("discovery/v2.0/keys"),
                ["authorization_endpoint"] = Endpoint("oauth2/v2.0/authorize"),
                ["token_endpoint"] = Endpoint("oauth2/v2.0/token"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            };
        }
        else if (path.EndsWith("/keys", StringComparison.Ordinal))
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            answer = new JsonObject
            {
                ["keys"] = new JsonArray(
                    new JsonObject
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["kid"] = key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                        ["issuer"] = TestTokens.Issuer,
                    }
                ),
            };
        }
        else
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
