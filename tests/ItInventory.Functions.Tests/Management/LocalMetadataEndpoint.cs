using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ItInventory.Functions.Tests.Management;

/// <summary>
/// An Entra-ID-shaped OpenID metadata endpoint on loopback, over plain TCP so its failure is the real one: while
/// stalled it accepts connections and reads the request but never answers (blocked egress, an identity provider
/// incident); while answering it serves a discovery document and a JWKS holding <see cref="Key"/>, for the test tenant.
/// </summary>
public sealed class LocalMetadataEndpoint : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private volatile bool answering;
    private int requests;
    private int abandoned;

    public LocalMetadataEndpoint(bool answering)
    {
        this.answering = answering;
        listener.Start();
        Instance = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        accepting = AcceptAsync();
    }

    /// <summary>What <c>AzureAd:Instance</c> is set to.</summary>
    public string Instance { get; }

    /// <summary>The tenant's issuer, as the discovery document states it.</summary>
    public string Issuer => $"{Instance}{TestTokens.TenantId}/v2.0";

    /// <summary>The tenant's signing key: published in the JWKS.</summary>
    public RsaSecurityKey Key { get; } = new(RSA.Create(2048)) { KeyId = "local-key-1" };

    /// <summary>HTTP requests received (answered or not).</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Stalled requests the client gave up on (closed the connection).</summary>
    public int Abandoned => Volatile.Read(ref abandoned);

    public void Answer() => answering = true;

    public void Stall() => answering = false;

    /// <summary>A token of the tenant, signed with <see cref="Key"/> unless another key is given.</summary>
    public string Bearer(Persona persona, SecurityKey? key = null) =>
        "Bearer " + TestTokens.Mint(persona, issuer: Issuer, key: key ?? Key);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var path = await ReadRequestPathAsync(stream);
            if (path is null)
                return;
            Interlocked.Increment(ref requests);
            if (!answering)
            {
                // Hold the connection open, answering nothing, until the client gives up.
                var buffer = new byte[1024];
                while (await stream.ReadAsync(buffer, stopping.Token) > 0) { }
                Interlocked.Increment(ref abandoned);
                return;
            }
            var (status, body) = Document(path);
            var bytes = Encoding.UTF8.GetBytes(body);
            var head =
                $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n"
                + "Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stopping.Token);
            await stream.WriteAsync(bytes, stopping.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException) { }
    }

    private async Task<string?> ReadRequestPathAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, stopping.Token);
            if (read == 0)
                return null;
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        // "GET /path HTTP/1.1"
        return received.ToString().Split(' ', 3)[1];
    }

    private (string Status, string Body) Document(string path)
    {
        var tenant = $"/{TestTokens.TenantId}";
        if (path == $"{tenant}/v2.0/.well-known/openid-configuration")
        {
            return (
                "200 OK",
                JsonSerializer.Serialize(
                    new Dictionary<string, object>
                    {
                        ["issuer"] = Issuer,
                        ["jwks_uri"] = $"{Instance}{TestTokens.TenantId}/discovery/v2.0/keys",
                        ["authorization_endpoint"] = $"{Instance}{TestTokens.TenantId}/oauth2/v2.0/authorize",
                        ["token_endpoint"] = $"{Instance}{TestTokens.TenantId}/oauth2/v2.0/token",
                        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                    }
                )
            );
        }
        if (path == $"{tenant}/discovery/v2.0/keys")
        {
            var rsa = Key.Rsa.ExportParameters(includePrivateParameters: false);
            return (
                "200 OK",
                JsonSerializer.Serialize(
                    new
                    {
                        keys = new[]
                        {
                            new Dictionary<string, string>
                            {
                                ["kty"] = "RSA",
                                ["use"] = "sig",
                                ["kid"] = Key.KeyId,
                                ["n"] = Base64UrlEncoder.Encode(rsa.Modulus),
                                ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
                                // As Entra's keys do: Microsoft.Identity.Web checks it against the token's issuer.
                                ["issuer"] = Issuer,
                            },
                        },
                    }
                )
            );
        }
        return ("404 Not Found", "{}");
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        stopping.Dispose();
    }
}
