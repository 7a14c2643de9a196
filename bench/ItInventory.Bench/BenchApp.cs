using System.IO.Compression;
using System.Text;
using ItInventory.Functions;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Bench;

/// <summary>An HTTP answer as a client sees it.</summary>
public sealed record HttpAnswer(int Status, string Body);

/// <summary>
/// The app wired by the wiring the tests use (<see cref="AppWiring"/>, tests/Shared): the real registrations
/// (<see cref="ServiceCollectionExtensions.AddItInventory"/>) with every table, queue and container of its own.
/// Unlike the tests it runs on the real clock. Function classes are activated per invocation in a service scope, as
/// the Functions worker does.
/// </summary>
public sealed class BenchApp : IAsyncDisposable
{
    public const string EnrollmentSecret = "bench-bootstrap-enrollment-secret-0123456789";

    private static readonly ObjectFactory<CheckinFunctions> CheckinFactory =
        ActivatorUtilities.CreateFactory<CheckinFunctions>([]);

    private static readonly ObjectFactory<DeviceFunctions> DeviceFactory =
        ActivatorUtilities.CreateFactory<DeviceFunctions>([]);

    private BenchApp(ServiceProvider services, string suffix)
    {
        Services = services;
        Suffix = suffix;
        Store = services.GetRequiredService<InventoryStore>();
    }

    public ServiceProvider Services { get; }

    /// <summary>The unique part of this app's table, queue and container names.</summary>
    public string Suffix { get; }

    public InventoryStore Store { get; }

    public static async Task<BenchApp> StartAsync(string connectionString)
    {
        var suffix = AppWiring.NewSuffix();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(AppWiring.Settings(connectionString, suffix, EnrollmentSecret))
            .Build();
        var services = AppWiring.Build(AppWiring.Services(configuration, TimeProvider.System));

        var app = new BenchApp(services, suffix);
        await app.Store.CreateIfNotExistsAsync(CancellationToken.None);
        return app;
    }

    /// <summary>
    /// Runs <paramref name="invoke"/> on a <see cref="CheckinFunctions"/> activated in a fresh scope, as one function
    /// invocation.
    /// </summary>
    public async Task<T> InvokeCheckinsAsync<T>(Func<CheckinFunctions, Task<T>> invoke)
    {
        await using var scope = Services.CreateAsyncScope();
        return await invoke(CheckinFactory(scope.ServiceProvider, null));
    }

    public async Task InvokeCheckinsAsync(Func<CheckinFunctions, Task> invoke)
    {
        await using var scope = Services.CreateAsyncScope();
        await invoke(CheckinFactory(scope.ServiceProvider, null));
    }

    public async Task<HttpAnswer> EnrollAsync(byte[] json)
    {
        var request = JsonRequest("/api/devices/enroll", json, authorization: null, gzip: false);
        await using var scope = Services.CreateAsyncScope();
        var function = DeviceFactory(scope.ServiceProvider, null);
        return await ExecuteAsync(request, await function.EnrollDevice(request, CancellationToken.None));
    }

    /// <summary>
    /// <c>POST /api/checkins</c> through <see cref="CheckinFunctions.PostCheckin"/>, the result executed as the
    /// worker's ASP.NET Core integration does.
    /// </summary>
    public Task<HttpAnswer> PostCheckinAsync(
        byte[] body,
        string authorization,
        bool gzip,
        CancellationToken cancellationToken
    ) =>
        InvokeCheckinsAsync(async functions =>
        {
            var request = JsonRequest("/api/checkins", body, authorization, gzip);
            return await ExecuteAsync(request, await functions.PostCheckin(request, cancellationToken));
        });

    /// <summary>
    /// Builds a request as the Functions host hands it to the worker (<paramref name="body"/> is already
    /// gzip-compressed when <paramref name="gzip"/>).
    /// </summary>
    public static HttpRequest JsonRequest(string path, byte[] body, string? authorization, bool gzip)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Scheme = "http";
        request.Host = new HostString("localhost", 7071);
        request.Path = path;
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        request.ContentType = "application/json";
        if (authorization is not null)
            request.Headers.Authorization = authorization;
        if (gzip)
            request.Headers.ContentEncoding = "gzip";
        context.Response.Body = new MemoryStream();
        return request;
    }

    public static async Task<HttpAnswer> ExecuteAsync(HttpRequest request, IActionResult result)
    {
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var body = (MemoryStream)context.Response.Body;
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        return new HttpAnswer(context.Response.StatusCode, text);
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>Deletes this app's tables, queues, containers: Azurite must not carry them into later runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await AppWiring.DeleteStorageAsync(Services);
        await Services.DisposeAsync();
    }
}
