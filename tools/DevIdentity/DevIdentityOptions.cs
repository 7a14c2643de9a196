namespace DevIdentity;

/// <summary>How the development identity provider presents itself. The defaults match the settings the local host
/// gives the function app (<see cref="DevIdentityServer.FunctionAppSettings"/>).</summary>
public sealed class DevIdentityOptions
{
    /// <summary>The API's client id: the audience (<c>aud</c>) of every access token, like the API's app registration
    /// in Entra ID.</summary>
    public string ApiClientId { get; set; } = "d0d0d0d0-0000-4000-8000-0000000000a1";

    /// <summary>The console's client id (the SPA's app registration in Entra ID).</summary>
    public string ConsoleClientId { get; set; } = "itinventory-console";

    /// <summary>Client id of scripts that ask for a token with the persona grant (the <c>token</c> command).</summary>
    public string ScriptClientId { get; set; } = "itinventory-cli";

    /// <summary>The delegated permission the console asks for, as Entra ID names it.</summary>
    public string ApiScope => $"api://{ApiClientId}/access_as_user";
}
