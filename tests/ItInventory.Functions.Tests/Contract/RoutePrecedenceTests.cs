using System.Diagnostics;
using System.Text.RegularExpressions;
using ItInventory.Functions.Tests.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// Which function answers a URL when routes overlap (<c>GET assets/export</c> and <c>GET assets/{assetId}</c> both
/// match <c>/api/assets/export</c>), under the two routers that serve the built functions (read from the build's
/// functions.metadata):
/// <list type="bullet">
/// <item>ASP.NET Core endpoint routing, as our local host (tools/FunctionsHost) maps the routes: the most literal
/// route wins, whatever the order;</item>
/// <item>the Azure Functions host: it registers routes in function-name order (its FunctionMetadataManager sorts
/// by name, ordinal and case-insensitive; WebScriptHostHttpRoutesManager maps them in that order) into an ordered
/// route collection where the first match wins (azure-functions-host#9876, still open). There, a literal route
/// wins only if its function's name sorts before the parameter route's.</item>
/// </list>
/// </summary>
public sealed partial class RoutePrecedenceTests
{
    /// <summary>host.json's route prefix (<see cref="OpenApiTests.The_route_prefix_is_api"/> holds it).</summary>
    private const string RoutePrefix = "api";

    /// <summary>A parameter value equal to no literal segment: a request reaches the route it was built for.</summary>
    private const string Sample = "p0123456789abcdef";

    /// <summary>
    /// Requests the Azure host routes to another function than ASP.NET Core does: product bugs, reported, to be fixed
    /// (e.g. by a function name that sorts first or a route constraint). The test fails when one is added — and when
    /// one is fixed, so that this list only shrinks. Method, path → the function Azure calls instead.
    /// </summary>
    /// <remarks>Empty: GET /api/licences/compliance was misrouted while its function was named ListLicenceCompliance
    /// (sorting after GetLicenceProduct, "licences/{productId}"); it is GetLicenceComplianceOverview now.</remarks>
    private static readonly Dictionary<(string Method, string Path), string> KnownAzureMisroutes = [];

    private static readonly IReadOnlyList<BuiltFunctions.HttpFunction> Functions = BuiltFunctions.HttpFunctions();

    [Theory]
    [InlineData("GET", "/api/assets/export", "ExportAssets")]
    [InlineData("GET", "/api/assets/" + Sample, "GetAsset")]
    [InlineData("PATCH", "/api/assets/" + Sample, "UpdateAsset")]
    [InlineData("POST", "/api/assets/import", "ImportAssets")]
    [InlineData("GET", "/api/assets", "SearchAssets")]
    [InlineData("GET", "/api/people/export", "ExportPeople")]
    [InlineData("GET", "/api/people/" + Sample, "GetPerson")]
    [InlineData("GET", "/api/licences/export", "ExportLicences")]
    [InlineData("GET", "/api/licences/compliance", "GetLicenceComplianceOverview")]
    [InlineData("GET", "/api/licences/" + Sample, "GetLicenceProduct")]
    public async Task Endpoint_routing_over_the_built_routes_prefers_the_literal_route(
        string method,
        string path,
        string expected
    ) => Assert.Equal(expected, await EndpointRoutingAsync(method, path));

    [Theory]
    [InlineData("GET", "/api/assets/export", "ExportAssets")]
    [InlineData("GET", "/api/assets/" + Sample, "GetAsset")]
    [InlineData("POST", "/api/assets/import", "ImportAssets")]
    [InlineData("GET", "/api/people/export", "ExportPeople")]
    [InlineData("GET", "/api/licences/export", "ExportLicences")]
    public async Task The_azure_host_order_also_sends_the_export_and_import_urls_to_their_functions(
        string method,
        string path,
        string expected
    ) => Assert.Equal(expected, await AzureHostRoutingAsync(method, path));

    [Fact]
    public async Task Every_function_is_reached_at_its_own_route_by_both_routers()
    {
        var failures = new List<string>();
        var azureMisroutes = new Dictionary<(string, string), string>();
        foreach (var function in Functions)
        {
            foreach (var method in function.Methods.Select(m => m.ToUpperInvariant()))
            {
                var path = "/" + RoutePrefix + "/" + RouteParameter().Replace(function.Route, Sample);
                var local = await EndpointRoutingAsync(method, path);
                if (local != function.Name)
                    failures.Add($"{method} {path}: endpoint routing calls {local}");
                var azure = await AzureHostRoutingAsync(method, path);
                if (azure != function.Name)
                    azureMisroutes[(method, path)] = azure ?? "(nothing)";
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(
            KnownAzureMisroutes.OrderBy(m => m.Key.Path, StringComparer.Ordinal).Select(Describe),
            azureMisroutes.OrderBy(m => m.Key.Item2, StringComparer.Ordinal).Select(Describe)
        );
    }

    [Fact]
    public void Routes_overlap_only_where_a_literal_segment_meets_a_parameter()
    {
        // Two functions with the same method and the same route would be a start-up error in Azure and a 500
        // (ambiguous match) locally.
        var duplicates = Functions
            .SelectMany(f => f.Methods.Select(m => (Method: m.ToUpperInvariant(), Route: Normalise(f.Route), f.Name)))
            .GroupBy(r => (r.Method, r.Route))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Method} {g.Key.Route}: {string.Join(", ", g.Select(r => r.Name))}");
        Assert.Empty(duplicates);
    }

    private static string Describe(KeyValuePair<(string, string), string> misroute) =>
        $"{misroute.Key.Item1} {misroute.Key.Item2} → {misroute.Value}";

    private static string Normalise(string route) => RouteParameter().Replace(route, "{}").ToLowerInvariant();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex RouteParameter();

    private static readonly Lazy<(IServiceProvider Services, RequestDelegate Pipeline)> Endpoints = new(() =>
    {
        var services = RoutingServices();
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            foreach (var function in Functions)
            {
                var methods = function.Methods.Select(m => m.ToUpperInvariant());
                endpoints
                    .MapMethods("/" + RoutePrefix + "/" + function.Route, methods, _ => Task.CompletedTask)
                    .WithDisplayName(function.Name);
            }
        });
        return (services, app.Build());
    });

    /// <summary>The function ASP.NET Core endpoint routing selects (what tools/FunctionsHost does).</summary>
    private static async Task<string?> EndpointRoutingAsync(string method, string path)
    {
        var (services, pipeline) = Endpoints.Value;
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = path;
        await pipeline(context);
        return context.GetEndpoint()?.DisplayName;
    }

    private static readonly Lazy<(IServiceProvider Services, IRouter Router)> AzureRoutes = new(() =>
    {
        var services = RoutingServices();
        var resolver = services.GetRequiredService<IInlineConstraintResolver>();
        var routes = new RouteCollection();
        // As the Azure host: functions by name (ordinal, ignoring case), each route with an HTTP method constraint.
        foreach (var function in Functions.OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase))
        {
            var constraints = new Dictionary<string, object>
            {
                ["httpMethod"] = new HttpMethodRouteConstraint(function.Methods),
            };
            routes.Add(
                new Route(
                    new FunctionTarget(function.Name),
                    function.Name,
                    RoutePrefix + "/" + function.Route,
                    defaults: null,
                    constraints,
                    dataTokens: null,
                    resolver
                )
            );
        }
        return (services, routes);
    });

    /// <summary>The function the Azure host's ordered route collection calls: the first route that matches.</summary>
    private static async Task<string?> AzureHostRoutingAsync(string method, string path)
    {
        var (services, router) = AzureRoutes.Value;
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = method;
        http.Request.Path = path;
        var context = new RouteContext(http);
        context.RouteData.Routers.Add(router);
        await router.RouteAsync(context);
        return context.Handler is null ? null : (string?)context.RouteData.DataTokens[FunctionTarget.Key];
    }

    private static ServiceProvider RoutingServices() =>
        new ServiceCollection()
            .AddLogging()
            .AddRouting()
            .AddSingleton(new DiagnosticListener("route-precedence-tests"))
            .BuildServiceProvider();

    /// <summary>The end of a matched route: records which function it belongs to.</summary>
    private sealed class FunctionTarget(string name) : IRouter
    {
        public const string Key = "function";

        public VirtualPathData? GetVirtualPath(VirtualPathContext context) => null;

        public Task RouteAsync(RouteContext context)
        {
            context.RouteData.DataTokens[Key] = name;
            context.Handler = _ => Task.CompletedTask;
            return Task.CompletedTask;
        }
    }
}
