using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>An HTTP answer as a client sees it.</summary>
public sealed record HttpAnswer(int Status, string? ContentType, string Body, IHeaderDictionary Headers)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// The app's real service registrations (<see cref="ServiceCollectionExtensions.AddItInventory"/>) against the shared
/// Azurite, with tables, queues and containers of its own (unique names) and a fake clock. Function classes are
/// created from it and invoked with real ASP.NET Core request objects.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string EnrollmentSecret = "test-bootstrap-enrollment-secret-0123456789";

    private TestApp(ServiceProvider services, FakeTimeProvider clock, string connectionString)
    {
        Services = services;
        Clock = clock;
        ConnectionString = connectionString;
    }

    public ServiceProvider Services { get; }

    private readonly System.Collections.Concurrent.ConcurrentBag<AsyncServiceScope> scopes = [];

    public FakeTimeProvider Clock { get; }

    public string ConnectionString { get; }

    public InventoryStore Store => Services.GetRequiredService<InventoryStore>();

    /// <param name="services">Extra registrations after the app's own (e.g. a test-only decommissioning step).</param>
    public static async Task<TestApp> StartAsync(
        Action<IDictionary<string, string?>>? configure = null,
        Action<IServiceCollection>? services = null
    )
    {
        var azurite = await Azurite.SharedAsync();
        var settings = AppWiring.Settings(azurite.ConnectionString, AppWiring.NewSuffix(), EnrollmentSecret);
        TestTokens.AddSettings(settings);
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        var collection = AppWiring
            .Services(configuration, clock)
            .PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, TestTokens.Configure);
        services?.Invoke(collection);
        var provider = AppWiring.Build(collection);

        var app = new TestApp(provider, clock, azurite.ConnectionString);
        await app.Store.CreateIfNotExistsAsync(CancellationToken.None);
        return app;
    }

    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(Services);

    public CheckinFunctions Checkins => Create<CheckinFunctions>();

    public DeviceFunctions Devices => Create<DeviceFunctions>();

    /// <summary>Builds an HTTP request as the Functions host would hand it to the worker.</summary>
    public HttpRequest Request(
        string method,
        string path,
        byte[] body,
        string? contentType = "application/json",
        IDictionary<string, string>? headers = null
    )
    {
        // Like the worker, each invocation gets its own scope of the app's services.
        var scope = Services.CreateAsyncScope();
        scopes.Add(scope);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 7071);
        context.Request.Path = path;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        if (contentType is not null)
            context.Request.ContentType = contentType;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            context.Request.Headers[name] = value;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public HttpRequest JsonRequest(string path, string json, string? authorization = null, bool gzip = false)
    {
        var headers = new Dictionary<string, string>();
        if (authorization is not null)
            headers["Authorization"] = authorization;
        var body = Encoding.UTF8.GetBytes(json);
        if (gzip)
        {
            headers["Content-Encoding"] = "gzip";
            body = Gzip(body);
        }
        return Request("POST", path, body, "application/json", headers);
    }

    /// <summary>
    /// Awaits a function's invocation and runs its result against the request's response, as the worker does: a
    /// <see cref="ProblemException"/> the function throws becomes its problem answer, as the HTTP error middleware
    /// writes it (<see cref="HttpErrors"/>). Any other exception propagates, so a test sees the fault itself; the
    /// middleware's 500/503 answers are tested through the real worker (FunctionsHost.Tests) and on the mapping.
    /// </summary>
    public static async Task<HttpAnswer> ExecuteAsync(HttpRequest request, Task<IActionResult> invocation)
    {
        IActionResult result;
        try
        {
            result = await invocation;
        }
        catch (ProblemException ex)
        {
            result = new ProblemResult(ex.Problem);
        }
        return await ExecuteAsync(request, result);
    }

    /// <summary>Runs an <see cref="IActionResult"/> against the request's response, as the worker's ASP.NET Core
    /// integration does.</summary>
    public static async Task<HttpAnswer> ExecuteAsync(HttpRequest request, IActionResult result)
    {
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new HttpAnswer(
            context.Response.StatusCode,
            context.Response.ContentType,
            body,
            context.Response.Headers
        );
    }

    /// <summary>Puts people in the directory (through the real import), e.g. so they can own assets.</summary>
    public async Task ImportPeopleAsync(params (string ObjectId, string Status)[] people)
    {
        var csv =
            "objectId,displayName,email,department,managerObjectId,status\n"
            + string.Concat(people.Select((p, i) => $"{p.ObjectId},Person {i},p{i}@example.com,Finance,,{p.Status}\n"));
        var report = await Services
            .GetRequiredService<Functions.People.PeopleService>()
            .ImportAsync(
                Encoding.UTF8.GetBytes(csv),
                Functions.Audit.AuditActor.System("test-setup"),
                null,
                CancellationToken.None
            );
        if (report.Value is not { Rejected: 0 })
            throw new InvalidOperationException("The test's people import was refused.");
    }

    public async Task<HttpAnswer> EnrollAsync(string json)
    {
        var request = JsonRequest("/api/devices/enroll", json);
        return await ExecuteAsync(request, Devices.EnrollDevice(request, CancellationToken.None));
    }

    public async Task<HttpAnswer> CheckinAsync(HttpRequest request) =>
        await ExecuteAsync(request, Checkins.PostCheckin(request, CancellationToken.None));

    public Task<HttpAnswer> CheckinAsync(string json, string? authorization, bool gzip = false) =>
        CheckinAsync(JsonRequest("/api/checkins", json, authorization, gzip));

    /// <summary>Receives the next message of the check-in queue and runs the queue-triggered function on it, as the
    /// host would.</summary>
    public async Task<bool> ProcessNextCheckinAsync()
    {
        var message = (await Store.CheckinQueue.ReceiveMessageAsync()).Value;
        if (message is null)
            return false;
        await Checkins.ProcessCheckin(message, CancellationToken.None);
        await Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return true;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(data);
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await AppWiring.DeleteStorageAsync(Services);
        foreach (var scope in scopes)
            await scope.DisposeAsync();
        await Services.DisposeAsync();
    }
}
