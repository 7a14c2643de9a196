using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.WebAssembly.Authentication;
using Microsoft.AspNetCore.Components.WebAssembly.Authentication.Internal;

namespace ItInventory.Console.Services;

/// <summary>Entra ID (and the development provider) send <c>roles</c> as an array, or a string for one role; each
/// becomes a role claim so <c>IsInRole</c> works.</summary>
public sealed class RolesAccountFactory(IAccessTokenProviderAccessor accessor)
    : AccountClaimsPrincipalFactory<RemoteUserAccount>(accessor)
{
    public override async ValueTask<ClaimsPrincipal> CreateUserAsync(
        RemoteUserAccount account,
        RemoteAuthenticationUserOptions options
    )
    {
        var user = await base.CreateUserAsync(account, options);
        if (user.Identity is not ClaimsIdentity identity || !identity.IsAuthenticated)
            return user;
        foreach (var existing in identity.FindAll(options.RoleClaim!).ToList())
            identity.RemoveClaim(existing);
        if (account.AdditionalProperties.TryGetValue("roles", out var roles) && roles is JsonElement element)
        {
            var values =
                element.ValueKind == JsonValueKind.Array
                    ? element.EnumerateArray().Select(r => r.GetString())
                    : [element.GetString()];
            foreach (var role in values.OfType<string>())
                identity.AddClaim(new Claim(options.RoleClaim!, role));
        }
        return user;
    }
}
