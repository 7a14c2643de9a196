using System.Security.Claims;
using System.Security.Cryptography;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>A person calling the management API in tests.</summary>
public sealed record Persona(
    string Name,
    string ObjectId,
    string[] Roles,
    string[] Groups,
    bool Mfa,
    bool Scope = true
);

/// <summary>
/// Mints Entra-ID-shaped access tokens signed with a local RSA key, and points the app's JWT bearer options at that
/// key instead of the Entra metadata endpoint. Everything else — signature, issuer, audience, lifetime,
/// Microsoft.Identity.Web's
/// roles/scopes check — is the real validation path.
/// </summary>
public static class TestTokens
{
    public const string TenantId = "7f3c2b1a-0000-4000-8000-00000000abcd";
    public const string ClientId = "5e0d1c2b-0000-4000-8000-00000000cafe";
    public const string FinanceGroup = "1b1b1b1b-0000-4000-8000-000000000001";
    public const string HrGroup = "2c2c2c2c-0000-4000-8000-000000000002";
    public static readonly string Issuer = $"https://login.microsoftonline.com/{TenantId}/v2.0";

    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-key" };

    public static readonly Persona Admin = new(
        "admin",
        "a0000000-0000-4000-8000-000000000001",
        [ManagementRoles.Admin],
        [],
        Mfa: true
    );
    public static readonly Persona AdminWithoutMfa = new(
        "admin-without-mfa",
        "a0000000-0000-4000-8000-000000000002",
        [ManagementRoles.Admin],
        [],
        Mfa: false
    );
    public static readonly Persona Auditor = new(
        "auditor",
        "a0000000-0000-4000-8000-000000000003",
        [ManagementRoles.Auditor],
        [],
        Mfa: true
    );
    public static readonly Persona FinanceLead = new(
        "finance-lead",
        "a0000000-0000-4000-8000-000000000004",
        [ManagementRoles.DepartmentLead],
        [FinanceGroup],
        Mfa: true
    );
    public static readonly Persona HrLead = new(
        "hr-lead",
        "a0000000-0000-4000-8000-000000000005",
        [ManagementRoles.DepartmentLead],
        [HrGroup],
        Mfa: true
    );
    public static readonly Persona EndUser = new("end-user", "a0000000-0000-4000-8000-000000000006", [], [], Mfa: true);

    public static void AddSettings(IDictionary<string, string?> settings)
    {
        settings["AzureAd:Instance"] = "https://login.microsoftonline.com/";
        settings["AzureAd:TenantId"] = TenantId;
        settings["AzureAd:ClientId"] = ClientId;
        settings["ManagementSecurity:DepartmentGroups:" + FinanceGroup] = "Finance";
        settings["ManagementSecurity:DepartmentGroups:" + HrGroup] = "HR";
    }

    public static void Configure(JwtBearerOptions options)
    {
        // Tests that point AzureAd:Instance at a local metadata endpoint exercise the real metadata path.
        if (options.Authority?.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) == true)
            return;
        options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(
            new OpenIdConnectConfiguration { Issuer = Issuer, SigningKeys = { Key } }
        );
        options.TokenValidationParameters.IssuerValidator = null;
        options.TokenValidationParameters.ValidIssuer = Issuer;
    }

    public static string Mint(
        Persona persona,
        DateTime? expires = null,
        string? audience = null,
        SecurityKey? key = null,
        string? issuer = null
    )
    {
        var claims = new Dictionary<string, object>
        {
            ["oid"] = persona.ObjectId,
            ["tid"] = TenantId,
            ["upn"] = persona.Name + "@contoso.test",
            ["ver"] = "2.0",
        };
        if (persona.Roles.Length > 0)
            claims["roles"] = persona.Roles;
        if (persona.Groups.Length > 0)
            claims["groups"] = persona.Groups;
        if (persona.Scope)
            claims["scp"] = "access_as_user";
        claims["amr"] = persona.Mfa ? new[] { "pwd", "mfa" } : new[] { "pwd" };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = issuer ?? Issuer,
                Audience = audience ?? ClientId,
                IssuedAt = now.AddMinutes(-1),
                NotBefore = now.AddMinutes(-1),
                Expires = expires ?? now.AddHours(1),
                Claims = claims,
                SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
            }
        );
    }

    public static string Bearer(Persona persona) => "Bearer " + Mint(persona);
}
