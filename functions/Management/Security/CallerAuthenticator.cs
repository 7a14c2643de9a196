using System.Security.Claims;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Management.Security;

/// <summary>
/// Authenticates a management API call: runs the real JWT bearer handler (Microsoft.Identity.Web: signature, issuer,
/// audience, lifetime, roles/scopes) and turns the principal into a <see cref="Caller"/>. Device credentials are never
/// accepted here.
/// </summary>
public sealed class CallerAuthenticator(
    IOptions<ManagementSecurityOptions> options,
    Microsoft.Extensions.Configuration.IConfiguration configuration,
    ILogger<CallerAuthenticator> logger)
{
    private readonly bool configured = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]) && !string.IsNullOrWhiteSpace(configuration["AzureAd:TenantId"]);

    /// <summary>Authenticates, then applies an <see cref="AccessPolicy"/> rule that needs only the caller.</summary>
    public async Task<Outcome<Caller>> AuthorizeAsync(HttpRequest request, Func<Caller, Problem?> rule)
    {
        var caller = await AuthenticateAsync(request);
        return caller.Failed ? caller : rule(caller.Value) is { } denied ? denied : caller;
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
            return Problem.BearerUnauthorized("Sign in: send 'Authorization: Bearer <access token>' issued by Entra ID for this API.");
        }

        if (!configured)
        {
            logger.LogWarning("Management API called but AzureAd:TenantId/ClientId are not set");
            return Problem.NotConfigured("The management API is not configured: set AzureAd__TenantId and AzureAd__ClientId (the API's Entra ID app registration).");
        }

        var result = await request.HttpContext.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            logger.LogWarning("Rejected bearer token: {Reason}", result.Failure?.Message);
            return Problem.BearerUnauthorized("The access token is not valid (signature, issuer, audience or lifetime).");
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

    private static string? First(ClaimsPrincipal principal, params string[] types) => All(principal, types).FirstOrDefault();

    private static IEnumerable<string> All(ClaimsPrincipal principal, params string[] types) =>
        principal.Claims.Where(c => types.Contains(c.Type, StringComparer.Ordinal)).Select(c => c.Value);
}
