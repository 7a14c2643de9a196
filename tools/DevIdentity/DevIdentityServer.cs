using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace DevIdentity;

/// <summary>
/// A development OpenID Connect provider on a loopback port, built on OpenIddict's server: discovery, JWKS,
/// authorization code with PKCE (a persona picker instead of a password), a token endpoint, userinfo and sign-out,
/// plus a persona grant for scripts. Access tokens are unencrypted JWTs shaped like Entra ID's (<c>oid</c>,
/// <c>tid</c>, <c>roles</c>, <c>groups</c>, <c>amr</c>, <c>scp</c>, <c>aud</c> = the API's client id). Nothing is
/// stored: OpenIddict's degraded mode with self-contained codes, and the checks its stores would make (known client,
/// loopback redirect) done here. Signing keys are made per run.
/// </summary>
public sealed class DevIdentityServer : IAsyncDisposable
{
    /// <summary>The grant type of the <c>token</c> command: a token for a named persona, no browser.</summary>
    public const string PersonaGrant = "urn:itinventory:dev:persona";

    private readonly WebApplication app;

    private DevIdentityServer(WebApplication app, DevIdentityOptions options)
    {
        this.app = app;
        Options = options;
    }

    public DevIdentityOptions Options { get; }

    /// <summary>The issuer (and base address), e.g. <c>http://127.0.0.1:7072/</c>.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>Starts on a loopback port (0 = any free one).</summary>
    public static async Task<DevIdentityServer> StartAsync(
        int port,
        DevIdentityOptions? options = null,
        Action<ILoggingBuilder>? logging = null,
        CancellationToken cancel = default
    )
    {
        options ??= new DevIdentityOptions();
        var builder = WebApplication.CreateSlimBuilder();
        if (logging is null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }
        // Loopback only: this provider signs anyone in as anyone.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var issuer = new IssuerHolder();
        builder.Services.AddSingleton(issuer);
        builder.Services.AddCors();
        builder
            .Services.AddOpenIddict()
            .AddServer(server =>
            {
                server
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/logout");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowCustomFlow(PersonaGrant);
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, options.ApiScope);
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                // Entra ID access tokens are plain signed JWTs the API can read.
                server.DisableAccessTokenEncryption();
                server.EnableDegradedMode();
                server.DisableTokenStorage();
                server
                    .UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
                server.AddEventHandler<OpenIddictServerEvents.ProcessRequestContext>(handler =>
                    handler
                        .UseInlineHandler(context =>
                        {
                            // The issuer is the address actually listened on (known once started).
                            context.Options.Issuer ??= issuer.Value;
                            return default;
                        })
                        .SetOrder(int.MinValue)
                );
                server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        if (!string.Equals(context.ClientId, options.ConsoleClientId, StringComparison.Ordinal))
                        {
                            context.Reject(Errors.InvalidClient, $"Unknown client; use '{options.ConsoleClientId}'.");
                        }
                        else if (!IsLoopback(context.RedirectUri))
                        {
                            context.Reject(Errors.InvalidRequest, "Only loopback redirect URIs are accepted.");
                        }
                        return default;
                    })
                );
                server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        string[] known = [options.ConsoleClientId, options.ScriptClientId];
                        if (!known.Contains(context.ClientId, StringComparer.Ordinal))
                        {
                            context.Reject(Errors.InvalidClient, "Unknown client.");
                        }
                        return default;
                    })
                );
                server.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        if (context.PostLogoutRedirectUri is { } uri && !IsLoopback(uri))
                        {
                            context.Reject(Errors.InvalidRequest, "Only loopback redirect URIs are accepted.");
                        }
                        return default;
                    })
                );
            });

        var app = builder.Build();
        var server = new DevIdentityServer(app, options);
        // The console (another loopback origin) calls discovery, JWKS, token and userinfo from the browser.
        // Before authentication, which is where OpenIddict answers its endpoints (so they get CORS headers too).
        app.UseCors(cors => cors.SetIsOriginAllowed(origin => IsLoopback(origin)).AllowAnyHeader().AllowAnyMethod());
        app.UseAuthentication();
        app.MapGet("/", () => Results.Redirect("/personas"));
        app.MapGet("/personas", server.PersonaList);
        app.MapMethods("/connect/authorize", ["GET", "POST"], (HttpContext http) => server.Authorize(http));
        app.MapPost("/connect/token", (Delegate)((HttpContext http) => server.TokenAsync(http)));
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)((HttpContext http) => UserInfoAsync(http)));
        app.MapMethods("/connect/logout", ["GET", "POST"], EndSession);
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.Issuer = new Uri(address.First().Replace("[::]", "127.0.0.1").TrimEnd('/') + "/");
        issuer.Value = server.Issuer;
        return server;
    }

    /// <summary>The settings that make the function app accept this provider's tokens (and nothing else's): the
    /// development authority, tenant and client ids, and the Finance group.</summary>
    public IReadOnlyDictionary<string, string> FunctionAppSettings() =>
        new Dictionary<string, string>
        {
            // Identity.Web needs an instance; it is never contacted (the development authority replaces it).
            ["AzureAd__Instance"] = Issuer.ToString(),
            ["AzureAd__TenantId"] = Personas.TenantId,
            ["AzureAd__ClientId"] = Options.ApiClientId,
            ["ManagementSecurity__DevelopmentAuthority"] = Issuer.ToString(),
            ["ManagementSecurity__DepartmentGroups__" + Personas.FinanceGroup] = Personas.FinanceDepartment,
        };

    /// <summary>Signs <paramref name="persona"/> in with the persona grant and returns the access token, as the
    /// <c>token</c> command does against a running provider.</summary>
    public static async Task<string> RequestTokenAsync(
        HttpClient http,
        Uri issuer,
        string persona,
        string clientId = "itinventory-cli",
        CancellationToken cancel = default
    )
    {
        using var response = await http.PostAsync(
            new Uri(issuer, "connect/token"),
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = PersonaGrant,
                    ["client_id"] = clientId,
                    ["persona"] = persona,
                }
            ),
            cancel
        );
        var body = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{issuer} refused the persona grant ({(int)response.StatusCode}): {body}"
            );
        }
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException("The token response has no access_token.");
    }

    private static bool IsLoopback(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsLoopback;

    private IResult PersonaList()
    {
        var html = new StringBuilder();
        html.Append("<p>Sign in to the console: it sends you here and you pick a persona. Scripts: ");
        html.Append("<code>dotnet run --project tools/DevIdentity -- token admin</code>.</p><ul>");
        foreach (var persona in Personas.All)
        {
            html.Append($"<li><strong>{Encode(persona.Name)}</strong>: {Encode(persona.Description)}</li>");
        }
        html.Append("</ul>");
        return Page("Development sign-in: personas", html.ToString());
    }

    private IResult Authorize(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var chosen = Personas.Find(http.Request.Query["persona"].ToString());
        if (chosen is null)
        {
            // The picker: each choice repeats the authorization request with the persona added.
            var html = new StringBuilder("<p>Choose who to sign in as (development only).</p><ul class=\"personas\">");
            foreach (var persona in Personas.All)
            {
                var query = QueryString.Create(
                    http.Request.Query.Where(q => q.Key != "persona")
                        .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                        .Append(new("persona", persona.Name))
                );
                html.Append(
                    $"<li><a href=\"{Encode(http.Request.Path + query.ToUriComponent())}\">"
                        + $"{Encode(persona.DisplayName)}</a> <span>{Encode(persona.Description)}</span></li>"
                );
            }
            html.Append("</ul>");
            return Page("Sign in as…", html.ToString());
        }
        return Results.SignIn(
            Principal(chosen, request.GetScopes()),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
        );
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsAuthorizationCodeGrantType())
        {
            var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var persona = Personas.Find(code.Principal?.GetClaim("persona"));
            return persona is null
                ? Forbid(Errors.InvalidGrant, "The authorization code names no known persona.")
                : Results.SignIn(
                    Principal(persona, code.Principal!.GetScopes()),
                    authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
                );
        }
        if (request.GrantType == PersonaGrant)
        {
            var persona = Personas.Find((string?)request["persona"]);
            return persona is null
                ? Forbid(
                    Errors.InvalidGrant,
                    "Unknown persona; one of: " + string.Join(", ", Personas.All.Select(p => p.Name))
                )
                : Results.SignIn(
                    Principal(persona, [Options.ApiScope]),
                    authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
                );
        }
        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        return Results.Json(
            new Dictionary<string, object?>
            {
                [Claims.Subject] = principal.GetClaim(Claims.Subject),
                [Claims.Name] = principal.GetClaim(Claims.Name),
                [Claims.PreferredUsername] = principal.GetClaim(Claims.PreferredUsername),
                ["oid"] = principal.GetClaim("oid"),
                ["roles"] = principal.GetClaims("roles").ToArray(),
            }
        );
    }

    private static IResult EndSession() =>
        Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>The signed-in persona as OpenIddict issues it: Entra ID's claim names, each sent to the tokens that
    /// carry it in Entra ID (roles, groups, amr, scp in the access token; names in both).</summary>
    private ClaimsPrincipal Principal(Persona persona, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme,
            Claims.Name,
            "roles"
        );
        identity.SetClaim(Claims.Subject, persona.ObjectId);
        identity.SetClaim("oid", persona.ObjectId);
        identity.SetClaim("tid", Personas.TenantId);
        identity.SetClaim(Claims.Name, persona.DisplayName);
        identity.SetClaim(Claims.PreferredUsername, persona.Upn);
        identity.SetClaim("upn", persona.Upn);
        identity.SetClaim("ver", "2.0");
        identity.SetClaim("persona", persona.Name);
        identity.SetClaims("roles", [.. persona.Roles]);
        identity.SetClaims("groups", [.. persona.Groups]);
        identity.SetClaims("amr", persona.Mfa ? ["pwd", "mfa"] : ["pwd"]);
        identity.SetClaim("scp", "access_as_user");
        identity.SetScopes(scopes);
        identity.SetAudiences(Options.ApiClientId);
        identity.SetDestinations(claim =>
            claim.Type switch
            {
                Claims.Name or Claims.PreferredUsername or "oid" or "tid" or "roles" =>
                [
                    Destinations.AccessToken,
                    Destinations.IdentityToken,
                ],
                // Kept in the authorization code so the token endpoint knows who chose what.
                "persona" => [],
                _ => [Destinations.AccessToken],
            }
        );
        return new ClaimsPrincipal(identity);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(
                new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
                }
            ),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]
        );

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    private static IResult Page(string title, string body) =>
        Results.Content(
            $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{{Encode(title)}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
            li{margin:.6rem 0} a{font-weight:600} span{display:block;color:#444}</style></head>
            <body><main><h1>{{Encode(title)}}</h1>{{body}}</main></body></html>
            """,
            "text/html; charset=utf-8"
        );

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class IssuerHolder
    {
        public Uri? Value { get; set; }
    }
}
