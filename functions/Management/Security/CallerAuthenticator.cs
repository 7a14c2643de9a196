using System.Security.Claims;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ItInventory.Functions.Management.Security;

/// <summary>
/// Authenticates a management API call: runs the real JWT bearer handler (Microsoft.Identity.Web: signature, issuer,
/// audience, lifetime, roles/scopes) and turns the principal into a <see cref="Caller"/>. Device credentials are never
/// accepted here.
/// </summary>
public sealed class CallerAuthenticator(
    IOptions<ManagementSecurityOptions> options,
    IOptionsMonitor<JwtBearerOptions> bearerOptions,
    Microsoft.Extensions.Configuration.IConfiguration configuration,
    ILogger<CallerAuthenticator> logger
)
{
    private static readonly JsonWebTokenHandler TokenShape = new();

    private readonly bool configured =
        !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"])
        && !string.IsNullOrWhiteSpace(configuration["AzureAd:TenantId"]);

    /// <summary>Authenticates, then applies an <see cref="AccessPolicy"/> rule that needs only the caller.</summary>
    public async Task<Outcome<Caller>> AuthorizeAsync(HttpRequest request, Func<Caller, Problem?> rule)
    {
        var caller = await AuthenticateAsync(request);
        return caller.Failed ? caller
            : rule(caller.Value) is { } denied ? denied
            : caller;
    }

    public async Task<Outcome<Caller>> AuthenticateAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(DeviceCredentialScheme.Name + " ", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.BearerUnauthorized("Device credentials are only accepted by the device endpoints.");
        }
        if (!header.StartsWith(JwtBearerDefaults.AuthenticationScheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.BearerUnauthorized(
                "Sign in: send 'Authorization: Bearer <access token>' issued by Entra ID for this API."
            );
        }

        if (!configured)
        {
            logger.LogWarning("Management API called but AzureAd:TenantId/ClientId are not set");
            return Problem.NotConfigured(
                "The management API is not configured: set AzureAd__TenantId and "
                    + "AzureAd__ClientId (the API's Entra ID app registration)."
            );
        }

        // Something that is not a JWT at all is refused without looking at the identity provider's keys.
        if (!TokenShape.CanReadToken(header[(JwtBearerDefaults.AuthenticationScheme.Length + 1)..].Trim()))
        {
            logger.LogWarning("Rejected bearer token: not a JWT");
            return Problem.BearerUnauthorized(InvalidToken);
        }
        if (await SigningKeysUnavailableAsync(request.HttpContext) is { } unavailable)
        {
            return unavailable;
        }

        var result = await request.HttpContext.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            logger.LogWarning("Rejected bearer token: {Reason}", result.Failure?.Message);
            return Problem.BearerUnauthorized(InvalidToken);
        }

        var objectId = First(principal, "oid", "http://schemas.microsoft.com/identity/claims/objectidentifier");
        if (objectId is null)
        {
            return Problem.BearerUnauthorized("The access token has no object id ('oid') claim.");
        }
        var roles = All(principal, "roles", ClaimTypes.Role).ToHashSet(StringComparer.Ordinal);
        var departments = All(principal, "groups")
            .Select(g => options.Value.DepartmentGroups.GetValueOrDefault(g))
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var mfa = All(principal, "amr", "http://schemas.microsoft.com/claims/authnmethodsreferences")
            .Any(m => options.Value.MfaMethods.Contains(m, StringComparer.OrdinalIgnoreCase));
        var upn = First(principal, "upn", ClaimTypes.Upn, "preferred_username");
        return new Caller(objectId, upn, roles, departments, mfa);
    }

    private const string InvalidToken = "The access token is not valid (signature, issuer, audience or lifetime).";

    /// <summary>
    /// Makes sure the JWT bearer handler has Entra ID's signing keys before it validates: with keys cached this costs
    /// nothing; without, it waits for the one bounded fetch in flight, or fails at once while the metadata endpoint is
    /// known to be failing (see <see cref="EntraMetadataManager"/>). Either way a 503, never a request held for the
    /// identity provider's timeout and never a 401 for a token nobody could check.
    /// </summary>
    private async Task<Problem?> SigningKeysUnavailableAsync(HttpContext context)
    {
        if (bearerOptions.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager is not { } metadata)
        {
            return null;
        }
        try
        {
            await metadata.GetConfigurationAsync(context.RequestAborted);
            return null;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The metadata manager logs each failed fetch once; this is per request.
            logger.LogDebug(ex, "Entra ID signing keys unavailable; answering 503");
            return Problem.Unavailable(
                "Sign-in cannot be checked right now: Entra ID's signing keys cannot be fetched. Nothing was changed; "
                    + "try again later.",
                (ex as EntraMetadataUnavailableException)?.RetryAfter ?? HttpErrors.RetryAfter,
                HttpErrors.TraceId(context)
            );
        }
    }

    private static string? First(ClaimsPrincipal principal, params string[] types) =>
        All(principal, types).FirstOrDefault();

    private static IEnumerable<string> All(ClaimsPrincipal principal, params string[] types) =>
        principal.Claims.Where(c => types.Contains(c.Type, StringComparer.Ordinal)).Select(c => c.Value);
}
