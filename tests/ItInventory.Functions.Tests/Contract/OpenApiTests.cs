using System.Text.Json;
using System.Text.RegularExpressions;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Management;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;
using YamlDotNet.RepresentationModel;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// docs/openapi.yaml describes exactly the HTTP functions of the build (read from its functions.metadata), is valid
/// OpenAPI 3.1 with every reference resolving (offline: external references are files under docs/), and every
/// endpoint has an example call in docs/*.http.
/// </summary>
public sealed partial class OpenApiTests
{
    private static readonly string DocsFolder = RepositoryRoot.Combine("docs");
    private static readonly string DocumentPath = Path.Combine(DocsFolder, "openapi.yaml");

    private static readonly string[] HttpMethods =
    [
        "get",
        "put",
        "post",
        "delete",
        "options",
        "head",
        "patch",
        "trace",
    ];

    /// <summary>An operation of the document: its path, lower-case method and operationId.</summary>
    private sealed record DocumentedOperation(string Path, string Method, string? OperationId);

    /// <summary>A function's route as the document spells it: <c>/api/</c> + the route, constraints, defaults and
    /// optional/catch-all markers dropped (<c>{id:guid}</c>, <c>{id?}</c>, <c>{*rest}</c> → <c>{id}</c>,
    /// <c>{rest}</c>).</summary>
    internal static string DocumentedPath(string route) =>
        // "{{" and "}}" escape braces inside a constraint, e.g. {code:regex(^[0-9]{{3}}$)}.
        "/"
        + RoutePrefix
        + "/"
        + RouteParameter()
            .Replace(
                route
                    .TrimStart('/')
                    .Replace("{{", "\u0001", StringComparison.Ordinal)
                    .Replace("}}", "\u0002", StringComparison.Ordinal),
                m => "{" + m.Groups["name"].Value + "}"
            );

    /// <summary>The Functions host's route prefix (host.json <c>extensions.http.routePrefix</c>; the host's default is
    /// <c>api</c>).</summary>
    private static readonly string RoutePrefix = ReadRoutePrefix();

    private static string ReadRoutePrefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("host.json")));
        return
            host.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public void The_route_prefix_is_api() => Assert.Equal("api", RoutePrefix);

    [Theory]
    [InlineData("assets/{assetId}", "/api/assets/{assetId}")]
    [InlineData("assets/{id:guid}/tag", "/api/assets/{id}/tag")]
    [InlineData("files/{*path}", "/api/files/{path}")]
    [InlineData("people/{objectId:regex(^[0-9a-f-]{{36}}$)}", "/api/people/{objectId}")]
    [InlineData("items/{page:int:min(1)?}", "/api/items/{page}")]
    public void Route_constraints_are_normalised_to_plain_parameters(string route, string expected) =>
        Assert.Equal(expected, DocumentedPath(route));

    [Fact]
    public void Every_http_function_route_and_method_is_an_operation_named_after_the_function()
    {
        var documented = DocumentedOperations().ToDictionary(o => (o.Path, o.Method));
        var problems = new List<string>();
        var functions = BuiltFunctions.HttpFunctions();
        Assert.NotEmpty(functions);
        foreach (var function in functions)
        {
            var path = DocumentedPath(function.Route);
            foreach (var method in function.Methods.Select(m => m.ToLowerInvariant()))
            {
                if (!documented.TryGetValue((path, method), out var operation))
                    problems.Add($"{function.Name}: {method.ToUpperInvariant()} {path} is not in docs/openapi.yaml");
                else if (operation.OperationId != function.Name)
                    problems.Add(
                        $"{function.Name}: {method.ToUpperInvariant()} {path} has operationId '{operation.OperationId}'"
                    );
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_operation_of_the_document_is_a_function_route_and_method()
    {
        var real = BuiltFunctions
            .HttpFunctions()
            .SelectMany(f =>
                f.Methods.Select(m => (Path: DocumentedPath(f.Route), Method: m.ToLowerInvariant(), f.Name))
            )
            .ToHashSet();
        var stale = DocumentedOperations()
            .Where(o => !real.Contains((o.Path, o.Method, o.OperationId ?? "")))
            .Select(o =>
                $"{o.Method.ToUpperInvariant()} {o.Path} ({o.OperationId}) is no HTTP function of the build (or has "
                + "another name)"
            )
            .ToList();
        Assert.True(stale.Count == 0, string.Join("\n", stale));
    }

    [Fact]
    public void OperationIds_are_unique()
    {
        var duplicates = DocumentedOperations()
            .GroupBy(o => o.OperationId)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public async Task The_document_reads_as_OpenApi_3_1_and_validates_without_errors_or_warnings()
    {
        // The file as it is: YAML that Microsoft.OpenApi reads as OpenAPI 3.1 without errors.
        var source = await LoadSourceAsync();
        var read = source.Diagnostic!;
        Assert.True(read.Errors.Count == 0, "Reading errors:\n" + Describe(read.Errors));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.SpecificationVersion);
        Assert.NotNull(source.Document);

        // Bundled with the JSON Schema files it references: every rule of the default rule set holds.
        var (document, diagnostic) = LoadBundle();
        Assert.True(diagnostic.Errors.Count == 0, "Errors:\n" + Describe(diagnostic.Errors));
        Assert.True(diagnostic.Warnings.Count == 0, "Warnings:\n" + Describe(diagnostic.Warnings));
        Assert.NotNull(document);
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, "Validation errors:\n" + Describe(errors));
        Assert.Equal(DocumentedOperations().Count, document.Paths.Sum(p => p.Value.Operations?.Count ?? 0));
        // The JSON Schema files were bundled and are what the components refer to.
        Assert.Contains("kind", document.Components!.Schemas!["CheckinRequest"].Properties!.Keys);
        Assert.Contains("enrollmentSecret", document.Components.Schemas["EnrollmentRequest"].Properties!.Keys);
        Assert.All(document.Paths.SelectMany(p => p.Value.Operations ?? []), o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Value.Summary), $"{o.Value.OperationId} has no summary");
            Assert.NotEmpty(o.Value.Tags ?? new HashSet<OpenApiTagReference>());
            Assert.NotEmpty(o.Value.Responses ?? []);
        });
    }

    private static string Describe(IEnumerable<OpenApiError> errors) =>
        string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}"));

    [Fact]
    public void Every_ref_and_external_value_resolves()
    {
        var root = RootNode();
        var problems = new List<string>();
        foreach (var (location, key, target) in References(root, "#"))
        {
            if (Resolve(root, target, DocumentPath, key) is { } problem)
                problems.Add($"{location}/{key}: {problem}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_path_parameter_is_defined_and_every_defined_path_parameter_is_in_the_path()
    {
        var (document, _) = LoadBundle();
        var problems = new List<string>();
        foreach (var (path, item) in document!.Paths)
        {
            var inTemplate = PathTemplateParameter()
                .Matches(path)
                .Select(m => m.Groups[1].Value)
                .ToHashSet(StringComparer.Ordinal);
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var defined = (item.Parameters ?? [])
                    .Concat(operation.Parameters ?? [])
                    .Where(p => p.In == ParameterLocation.Path)
                    .ToList();
                foreach (var name in inTemplate.Where(n => !defined.Any(p => p.Name == n)))
                {
                    problems.Add($"{method} {path}: no parameter definition for {{{name}}}");
                }
                foreach (var parameter in defined)
                {
                    if (!inTemplate.Contains(parameter.Name ?? ""))
                        problems.Add($"{method} {path}: path parameter '{parameter.Name}' is not in the path");
                    if (!parameter.Required)
                        problems.Add($"{method} {path}: path parameter '{parameter.Name}' must be required");
                    if (parameter.Schema is null)
                        problems.Add($"{method} {path}: path parameter '{parameter.Name}' has no schema");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathTemplateParameter();

    [Fact]
    public void Every_operation_has_an_example_call_in_the_http_files_with_its_credential_and_required_headers()
    {
        var (document, _) = LoadBundle();
        var requests = HttpFileRequests();
        Assert.NotEmpty(requests);
        var problems = new List<string>();
        foreach (var (path, item) in document!.Paths)
        {
            var pattern = new Regex(
                "^"
                    + string.Concat(
                        PathTemplateParameter()
                            .Split(path)
                            .Select((part, i) => i % 2 == 0 ? Regex.Escape(part) : "[^/]+")
                    )
                    + "$"
            );
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var examples = requests
                    .Where(r => r.Method == method.Method.ToUpperInvariant() && pattern.IsMatch(r.Path))
                    .ToList();
                if (examples.Count == 0)
                {
                    problems.Add(
                        $"{operation.OperationId}: no {method.Method.ToUpperInvariant()} {path} in docs/*.http"
                    );
                    continue;
                }
                var scheme = operation.Security is { Count: > 0 } security
                    ? security.SelectMany(r => r.Keys).Select(k => k.Reference.Id).First()
                    : null;
                var requiredHeaders = (item.Parameters ?? [])
                    .Concat(operation.Parameters ?? [])
                    .Where(p => p.In == ParameterLocation.Header && p.Required)
                    .Select(p => p.Name!)
                    .ToList();
                var good = examples.Any(r =>
                    (
                        scheme is null
                        || r.Headers.TryGetValue("Authorization", out var authorization)
                            && AuthorizationFits(scheme, authorization)
                    )
                    && requiredHeaders.All(h => r.Headers.ContainsKey(h))
                    && (operation.RequestBody is not { Required: true } || r.Headers.ContainsKey("Content-Type"))
                );
                if (!good)
                {
                    problems.Add(
                        $"{operation.OperationId}: no example call with the credential ({scheme ?? "none"}), "
                            + "Content-Type for a required body and the required headers "
                            + $"({string.Join(", ", requiredHeaders)})"
                    );
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static bool AuthorizationFits(string scheme, string value) =>
        scheme switch
        {
            "entra" => value.StartsWith("Bearer ", StringComparison.Ordinal),
            // The device credential is the ready-made value from the enrollment answer, or written out.
            "device" => value.StartsWith("Device ", StringComparison.Ordinal)
                || value.Contains(".authorization}}", StringComparison.Ordinal),
            _ => false,
        };

    // ---- the document ----

    /// <summary>docs/openapi.yaml through Microsoft.OpenApi's YAML reader, without validation rules (they cannot follow
    /// references to JSON Schema files: see <see cref="OpenApiBundle"/>).</summary>
    private static async Task<ReadResult> LoadSourceAsync()
    {
        var settings = new OpenApiReaderSettings { LoadExternalRefs = false, RuleSet = new ValidationRuleSet() };
        settings.AddYamlReader();
        await using var stream = File.OpenRead(DocumentPath);
        return await OpenApiDocument.LoadAsync(stream, "yaml", settings);
    }

    /// <summary>The bundled document (JSON Schema files inlined), read and validated with the default rule
    /// set.</summary>
    private static (OpenApiDocument? Document, OpenApiDiagnostic Diagnostic) LoadBundle()
    {
        var bundle = OpenApiBundle.Bundle(OpenApiBundle.ToJson(RootNode())!.AsObject(), DocsFolder);
        var result = OpenApiDocument.Parse(
            bundle.ToJsonString(),
            "json",
            new OpenApiReaderSettings { LoadExternalRefs = false }
        );
        return (result.Document, result.Diagnostic!);
    }

    private static YamlMappingNode RootNode()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(DocumentPath);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static List<DocumentedOperation> DocumentedOperations()
    {
        var paths = (YamlMappingNode)RootNode()[new YamlScalarNode("paths")];
        return paths
            .Children.SelectMany(path =>
                ((YamlMappingNode)path.Value)
                    .Children.Where(op => HttpMethods.Contains(((YamlScalarNode)op.Key).Value))
                    .Select(op => new DocumentedOperation(
                        ((YamlScalarNode)path.Key).Value!,
                        ((YamlScalarNode)op.Key).Value!,
                        ((YamlMappingNode)op.Value).Children.TryGetValue(new YamlScalarNode("operationId"), out var id)
                            ? ((YamlScalarNode)id).Value
                            : null
                    ))
            )
            .ToList();
    }

    /// <summary>Every <c>$ref</c> and <c>externalValue</c> of a YAML tree, with where it is.</summary>
    private static IEnumerable<(string Location, string Key, string Target)> References(YamlNode node, string location)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    if (name is "$ref" or "externalValue" && value is YamlScalarNode { Value: { } target })
                    {
                        yield return (location, name, target);
                    }
                    foreach (
                        var found in References(
                            value,
                            location
                                + "/"
                                + name.Replace("~", "~0", StringComparison.Ordinal)
                                    .Replace("/", "~1", StringComparison.Ordinal)
                        )
                    )
                    {
                        yield return found;
                    }
                }
                break;
            case YamlSequenceNode sequence:
                var i = 0;
                foreach (var item in sequence.Children)
                {
                    foreach (var found in References(item, $"{location}/{i++}"))
                        yield return found;
                }
                break;
        }
    }

    /// <summary>Null when <paramref name="target"/> resolves: a pointer into this document, or a file under docs/
    /// (optionally with a pointer into it, and then its own internal <c>$ref</c>s must resolve too).</summary>
    private static string? Resolve(YamlMappingNode root, string target, string fromFile, string key)
    {
        if (target.StartsWith('#'))
        {
            return FindYaml(root, target[1..]) ? null : $"'{target}' is not in {Path.GetFileName(fromFile)}";
        }
        if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return $"'{target}' is not a local file: the document must stay readable offline";
        }
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fromFile)!, hash < 0 ? target : target[..hash]));
        if (!file.StartsWith(DocsFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return $"'{target}' is outside docs/";
        if (!File.Exists(file))
            return $"'{target}': no such file";
        if (key == "externalValue" || !file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        if (hash >= 0 && FindJson(json.RootElement, target[(hash + 1)..]) is null)
            return $"'{target}': the pointer is not in the file";
        var broken = JsonRefs(json.RootElement)
            .Where(r => r.StartsWith('#') && FindJson(json.RootElement, r[1..]) is null)
            .ToList();
        return broken.Count == 0 ? null : $"'{target}' holds unresolved references: {string.Join(", ", broken)}";
    }

    private static IEnumerable<string> Segments(string pointer) =>
        pointer.Length == 0
            ? []
            : pointer
                .TrimStart('/')
                .Split('/')
                .Select(s =>
                    Uri.UnescapeDataString(s)
                        .Replace("~1", "/", StringComparison.Ordinal)
                        .Replace("~0", "~", StringComparison.Ordinal)
                );

    private static bool FindYaml(YamlNode node, string pointer)
    {
        foreach (var segment in Segments(pointer))
        {
            switch (node)
            {
                case YamlMappingNode mapping
                    when mapping.Children.TryGetValue(new YamlScalarNode(segment), out var child):
                    node = child;
                    break;
                case YamlSequenceNode sequence
                    when int.TryParse(segment, out var index) && index >= 0 && index < sequence.Children.Count:
                    node = sequence.Children[index];
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    private static JsonElement? FindJson(JsonElement element, string pointer)
    {
        foreach (var segment in Segments(pointer))
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment, out var child))
                element = child;
            else if (
                element.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, out var index)
                && index >= 0
                && index < element.GetArrayLength()
            )
                element = element[index];
            else
                return null;
        }
        return element;
    }

    private static IEnumerable<string> JsonRefs(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    yield return property.Value.GetString()!;
                foreach (var inner in JsonRefs(property.Value))
                    yield return inner;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var inner in element.EnumerateArray().SelectMany(JsonRefs))
                yield return inner;
        }
    }

    // ---- the .http files ----

    /// <summary>A request of an .http file: method, path (the <c>{{baseUrl}}</c> variable read as <c>/api</c>, the
    /// query string dropped) and headers.</summary>
    private sealed record HttpFileRequest(
        string File,
        string Method,
        string Path,
        IReadOnlyDictionary<string, string> Headers
    );

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE)\s+(\S+)")]
    private static partial Regex RequestLine();

    private static List<HttpFileRequest> HttpFileRequests()
    {
        var requests = new List<HttpFileRequest>();
        foreach (var file in Directory.GetFiles(DocsFolder, "*.http", SearchOption.AllDirectories))
        {
            foreach (var block in File.ReadAllText(file).ReplaceLineEndings("\n").Split("\n###"))
            {
                var lines = block.Split('\n').Select(l => l.TrimEnd()).ToList();
                var start = lines.FindIndex(l => RequestLine().IsMatch(l));
                if (start < 0)
                    continue;
                var match = RequestLine().Match(lines[start]);
                var url = match.Groups[2].Value.Replace("{{baseUrl}}", "/api", StringComparison.Ordinal);
                if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
                    url = absolute.AbsolutePath;
                var query = url.IndexOf('?', StringComparison.Ordinal);
                if (query >= 0)
                    url = url[..query];
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.Length > 0))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && !line.StartsWith('#'))
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                requests.Add(new HttpFileRequest(Path.GetFileName(file), match.Groups[1].Value, url, headers));
            }
        }
        return requests;
    }
}
