using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace FunctionsHost;

/// <summary>What the front end needs from the rest of the host.</summary>
internal sealed record FrontEndContext(
    IReadOnlyList<FunctionDescriptor> Functions,
    string RoutePrefix,
    HostKeys Keys,
    WorkerChannel Channel,
    Uri? WorkerHttpUri,
    TimerTriggers Timers,
    QueueTriggers Queues,
    string HostId
);

/// <summary>
/// The public HTTP endpoint (like <c>func start</c>'s port 7071): HTTP-triggered functions, forwarded to the worker's
/// own ASP.NET Core server in the integration's proxy mode, and the admin API.
/// </summary>
internal sealed class HttpFrontEnd : IAsyncDisposable
{
    /// <summary>The real host's default request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).</summary>
    private const long MaxRequestBodySize = 100L * 1024 * 1024;

    /// <summary>How long an error answer of the worker waits for its invocation to end (normally
    /// milliseconds).</summary>
    private static readonly TimeSpan RefusalGrace = TimeSpan.FromSeconds(2);

    private static readonly ForwarderRequestConfig ForwarderConfig = new()
    {
        ActivityTimeout = TimeSpan.FromMinutes(30),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    private readonly WebApplication app;
    private readonly FrontEndContext context;
    private readonly HttpMessageInvoker workerClient;
    private readonly ConcurrentDictionary<Task, bool> adminInvocations = new();
    private readonly Stopwatch uptime = Stopwatch.StartNew();

    private HttpFrontEnd(WebApplication app, FrontEndContext context, HttpMessageInvoker workerClient)
    {
        this.app = app;
        this.context = context;
        this.workerClient = workerClient;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Routes of the HTTP functions (method list and URL), for the start-up listing.</summary>
    public List<(string Function, string Description)> Routes { get; } = [];

    public static HttpFrontEnd Create(FrontEndContext context, int port, IReadOnlyList<string>? corsOrigins = null)
    {
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] }
        );
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize;
            kestrel.AddServerHeader = false;
            // Whatever header values the worker's answer carries (decoded as UTF-8 above) go back out as UTF-8.
            kestrel.ResponseHeaderEncodingSelector = _ => Encoding.UTF8;
            if (port == 0)
                kestrel.Listen(IPAddress.Loopback, 0);
            else
                kestrel.ListenLocalhost(port);
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddCors();
        var app = builder.Build();
        if (corsOrigins is { Count: > 0 })
        {
            // As Azure's platform CORS: exactly these origins; the headers a browser app needs to read answers.
            app.UseCors(cors =>
                cors.WithOrigins([.. corsOrigins])
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .WithExposedHeaders("ETag", "Location", "Retry-After", "Content-Disposition")
            );
        }
        var workerClient = new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                ActivityHeadersPropagator = null,
                ConnectTimeout = TimeSpan.FromSeconds(15),
                MaxConnectionsPerServer = int.MaxValue,
                // Kestrel reads non-ASCII header values as UTF-8; pass them on as UTF-8 (the default refuses them, and
                // the
                // worker would wait 15 s for a request that never comes). The worker's Kestrel reads them back the
                // same.
                RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
                ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            }
        );
        var frontEnd = new HttpFrontEnd(app, context, workerClient);
        frontEnd.MapAdmin();
        frontEnd.MapFunctions();
        return frontEnd;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new HostStartupException($"Cannot listen for HTTP: {ex.Message} (choose another port with --port).");
        }
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        var uri = new Uri(address);
        // A fixed port listens on localhost (IPv4 and IPv6); port 0 on 127.0.0.1 only.
        BaseUri = new Uri($"http://{(uri.Host == "127.0.0.1" ? "127.0.0.1" : "localhost")}:{uri.Port}/");
    }

    /// <summary>Waits for the admin invocations still running (bounded by the caller's token).</summary>
    public Task DrainAsync() => Task.WhenAll(adminInvocations.Keys);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
            workerClient.Dispose();
        }
    }

    private void MapFunctions()
    {
        foreach (var function in context.Functions.Where(f => f.Is(FunctionIndex.Http)))
        {
            var trigger = function.Trigger;
            var route = (trigger.String("route") ?? function.Name).Trim('/');
            var path = "/" + string.Join('/', new[] { context.RoutePrefix, route }.Where(s => s.Length > 0));
            var methods = trigger.Strings("methods").Select(m => m.ToUpperInvariant()).ToArray();
            RoutePattern pattern;
            try
            {
                pattern = RoutePatternFactory.Parse(path);
            }
            catch (RoutePatternException ex)
            {
                throw new HostStartupException(
                    $"Function '{function.Name}': route '{route}' is not a valid route template ({ex.Message})."
                );
            }
            if (context.WorkerHttpUri is null)
            {
                throw new HostStartupException(
                    $"Function '{function.Name}' is HTTP-triggered but the worker offers no HTTP endpoint: this host "
                        + "supports HTTP triggers with the ASP.NET Core integration only "
                        + "(ConfigureFunctionsWebApplication "
                        + "and Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore)."
                );
            }
            var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
            var workerPrefix = context.WorkerHttpUri.ToString();
            var authLevel = trigger.String("authLevel");
            RequestDelegate handler = http => HandleAsync(http, function, authLevel, forwarder, workerPrefix);
            var endpoint = methods.Length == 0 ? app.Map(pattern, handler) : app.MapMethods(path, methods, handler);
            endpoint.WithDisplayName(function.Name);
            var methodList = methods.Length == 0 ? "ALL" : string.Join(",", methods);
            Routes.Add((function.Name, $"[{methodList}] {{base}}{path.TrimStart('/')}"));
        }
    }

    private async Task HandleAsync(
        HttpContext http,
        FunctionDescriptor function,
        string? authLevel,
        IHttpForwarder forwarder,
        string workerPrefix
    )
    {
        if (!context.Keys.Authorizes(authLevel, function.Name, HostKeys.KeyOf(http.Request)))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var request = new InvocationRequest { InvocationId = Guid.NewGuid().ToString() };
        // In proxy mode the request itself travels over HTTP; the trigger input is an empty RpcHttp.
        request.InputData.Add(
            new ParameterBinding
            {
                Name = function.Trigger.Name,
                Data = new TypedData { Http = new RpcHttp() },
            }
        );
        // Route values bind plain parameters: the worker reads them from the trigger metadata, not from the URL.
        foreach (var (name, value) in http.Request.RouteValues)
        {
            if (value is null)
                continue;
            request.TriggerMetadata[name] = new TypedData
            {
                String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
        }

        var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var invocation = context.Channel.InvokeAsync(
            function,
            request,
            "This function was programmatically called via the host APIs.",
            cancel.Token
        );
        _ = invocation.ContinueWith(_ => cancel.Dispose(), TaskScheduler.Default);
        var error = await forwarder.SendAsync(
            http,
            workerPrefix,
            workerClient,
            ForwarderConfig,
            new InvocationTransformer(request.InvocationId)
        );
        if (error != ForwarderError.None && !http.Response.HasStarted)
        {
            // The worker has not answered this request and will not: without the request it would hold the
            // invocation for 15 s. Cancel it and answer now; it ends in the background.
            await cancel.CancelAsync();
            await AnswerForwardingErrorAsync(http, error);
            return;
        }
        if (
            http.Response.StatusCode >= 400
            && !invocation.IsCompleted
            && await Task.WhenAny(invocation, Task.Delay(RefusalGrace, CancellationToken.None)) != invocation
        )
        {
            // An error answer stands whatever the invocation does. The worker's own server may have refused the
            // request (431: headers too large, 400: malformed) before pairing it with the invocation, which it
            // would then hold for 15 s: let that end in the background instead of holding the client.
            HostConsole.Debug(
                $"{http.Request.Method} {http.Request.Path}: the worker answered "
                    + $"{http.Response.StatusCode} without finishing invocation {request.InvocationId}; not waiting "
                    + "for it."
            );
            return;
        }
        // The answer depends on the invocation's result too: a function that throws leaves the worker's response
        // empty, and the host answers 500 for it (as the real host does). So wait for it before the response ends.
        // (Ending a started response before this wait measured no better at concurrency 1 on the shared 2-core
        // development machine; a keep-alive connection's next request waits for this handler in any case.)
        var outcome = await invocation;
        if (!outcome.Succeeded && !http.Response.HasStarted)
        {
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    private static async Task AnswerForwardingErrorAsync(HttpContext http, ForwarderError error)
    {
        var cause = http.Features.Get<IForwarderErrorFeature>()?.Exception;
        var reason = cause is null ? error.ToString() : $"{error}: {cause.Message.Split('\n', 2)[0].Trim()}";
        if (
            error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
            || http.RequestAborted.IsCancellationRequested
        )
        {
            // The client went away: nobody reads an answer.
            HostConsole.Debug($"{http.Request.Method} {http.Request.Path}: the client went away ({reason}).");
            http.Response.StatusCode = 499;
            return;
        }
        HostConsole.Error($"Forwarding {http.Request.Method} {http.Request.Path} to the worker failed ({reason}).");
        // The forwarder's status (400 for a client body it could not read, 504 for a timeout, else 502), with a body
        // that says which side failed: the local host, not the app.
        var status = http.Response.StatusCode >= 400 ? http.Response.StatusCode : StatusCodes.Status502BadGateway;
        await Results
            .Problem(
                title: "The local Functions host could not pass the request to the function app",
                detail: $"Forwarding to the worker failed ({reason}). See the host's console.",
                statusCode: status
            )
            .ExecuteAsync(http);
    }

    /// <summary>Adds the header the worker pairs the request with its invocation by.</summary>
    private sealed class InvocationTransformer(string invocationId) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(
            HttpContext httpContext,
            HttpRequestMessage proxyRequest,
            string destinationPrefix,
            CancellationToken cancellationToken
        )
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocationId);
        }
    }

    private void MapAdmin()
    {
        app.MapGet("/admin/host/ping", () => Results.Ok());
        app.MapGet("/admin/host/status", (HttpRequest request) => Admin(request, () => Results.Json(
                    new JsonObject
                    {
                        ["id"] = context.HostId,
                        ["state"] = "Running",
                        ["version"] = typeof(HttpFrontEnd).Assembly.GetName().Version?.ToString(),
                        ["processUptime"] = (long)uptime.Elapsed.TotalMilliseconds,
                        ["functions"] = new JsonArray(
                            context.Functions.Select(f => (JsonNode?)JsonValue.Create(f.Name)).ToArray()
                        ),
                    }
                )));
        app.MapGet("/admin/functions", (HttpRequest request) => Admin(request, () => Results.Json(
                    new JsonArray(
                        context
                            .Functions.Select(f =>
                                (JsonNode?)
                                    new JsonObject
                                    {
                                        ["name"] = f.Name,
                                        ["trigger"] = f.TriggerType,
                                        ["bindings"] = new JsonArray(
                                            f.Bindings.Select(b => JsonNode.Parse(b.Json.GetRawText())).ToArray()
                                        ),
                                    }
                            )
                            .ToArray()
                    )
                )));
        app.MapPost("/admin/functions/{name}", async (HttpRequest request, string name) =>
        {
            if (!context.Keys.IsMaster(HostKeys.KeyOf(request)))
                return Results.Unauthorized();
            var function = context.Functions.FirstOrDefault(f =>
                f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            );
            if (function is null)
                return Results.NotFound();
            if (function.Is(FunctionIndex.Http))
            {
                return Results.BadRequest(
                    new { error = $"'{function.Name}' is HTTP-triggered: call its URL instead." }
                );
            }
            string? input = null;
            if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    using var body = await JsonDocument.ParseAsync(
                        request.Body,
                        cancellationToken: request.HttpContext.RequestAborted
                    );
                    if (HostJson.Child(body.RootElement, "input") is { } value)
                    {
                        input = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                    }
                }
                catch (JsonException ex)
                {
                    return Results.BadRequest(
                        new { error = $"The body must be JSON like {{\"input\": \"...\"}}: {ex.Message}" }
                    );
                }
            }
            // Like the real host: accepted at once, run in the background.
            var run = function.Is(FunctionIndex.Timer)
                ? context.Timers.InvokeNowAsync(function, CancellationToken.None)
                : context.Queues.InvokeNowAsync(function, input ?? "", CancellationToken.None);
            adminInvocations.TryAdd(run, true);
            _ = run.ContinueWith(t => adminInvocations.TryRemove(t, out _), TaskScheduler.Default);
            return Results.Accepted();
        });
        app.MapFallback((HttpContext http) => Results.NotFound());
    }

    private IResult Admin(HttpRequest request, Func<IResult> result) =>
        context.Keys.IsMaster(HostKeys.KeyOf(request)) ? result() : Results.Unauthorized();
}
