using DevIdentity;

// dotnet run --project tools/DevIdentity [-- --port 7072]        serves the provider
// dotnet run --project tools/DevIdentity -- token <persona> [--issuer http://127.0.0.1:7072/]   prints a token
if (args is ["token", var persona, ..])
{
    var issuer = new Uri(Argument("--issuer") ?? "http://127.0.0.1:7072/");
    using var http = new HttpClient();
    try
    {
        Console.WriteLine(await DevIdentityServer.RequestTokenAsync(http, issuer, persona));
        return 0;
    }
    catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
    {
        Console.Error.WriteLine($"No token: {ex.Message}");
        Console.Error.WriteLine("Personas: " + string.Join(", ", Personas.All.Select(p => p.Name)));
        return 1;
    }
}
if (args is ["--help" or "-h", ..] or ["token"])
{
    Console.WriteLine(
        """
        Development OpenID Connect provider (never deployed).
          DevIdentity [--port 7072]                 serve it on 127.0.0.1
          DevIdentity token <persona> [--issuer U]  print an access token from a running provider
        """
    );
    return 0;
}
var port = int.TryParse(Argument("--port"), out var p) ? p : 7072;
await using var server = await DevIdentityServer.StartAsync(port);
Console.WriteLine($"Development identity provider at {server.Issuer} (personas: {server.Issuer}personas)");
var stopped = new TaskCompletionSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT,
    c =>
    {
        c.Cancel = true;
        stopped.TrySetResult();
    }
);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    c =>
    {
        c.Cancel = true;
        stopped.TrySetResult();
    }
);
await stopped.Task;
return 0;

string? Argument(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
