using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Tests.Infrastructure;
using Json.Schema;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// The published contract (docs/schemas, docs/examples) as tests see it: schemas loaded once, evaluated with format
/// assertion on and list output, and the app's own verdict on the same document for comparison.
/// </summary>
public static class ContractDocuments
{
    public const string CheckinSchema = "checkin-1.2.schema.json";
    public const string CheckinResponseSchema = "checkin-response-1.1.schema.json";
    public const string EnrollmentSchema = "enrollment-1.1.schema.json";
    public const string EnrollmentResponseSchema = "enrollment-response-1.1.schema.json";

    /// <summary>The 1.0 documents: still published, and every document valid against them is accepted.</summary>
    public const string CheckinSchema10 = "checkin-1.0.schema.json";
    public const string CheckinSchema11 = "checkin-1.1.schema.json";
    public const string EnrollmentSchema10 = "enrollment-1.0.schema.json";

    private static readonly Dictionary<string, Lazy<JsonSchema>> Schemas = new[]
    {
        CheckinSchema,
        CheckinResponseSchema,
        EnrollmentSchema,
        EnrollmentResponseSchema,
        CheckinSchema10,
        CheckinSchema11,
        EnrollmentSchema10,
        "checkin-response-1.0.schema.json",
        "enrollment-response-1.0.schema.json",
    }.ToDictionary(name => name, name => new Lazy<JsonSchema>(() => Load(name)));

    /// <summary>Formats are assertions here (by default JSON Schema 2020-12 only annotates them).</summary>
    private static readonly EvaluationOptions Options = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    public static string SchemaPath(string name) => RepositoryRoot.Combine("docs", "schemas", name);

    public static string ExamplePath(string name) => RepositoryRoot.Combine("docs", "examples", name);

    public static JsonSchema Schema(string name) => Schemas[name].Value;

    /// <summary>The schema as plain JSON, for reading its keywords by path.</summary>
    public static JsonObject SchemaJson(string name) => JsonNode.Parse(File.ReadAllText(SchemaPath(name)))!.AsObject();

    public static JsonObject Example(string name) => JsonNode.Parse(File.ReadAllText(ExamplePath(name)))!.AsObject();

    /// <summary>Which schema an example file is an instance of, by its name.</summary>
    public static string SchemaOfExample(string exampleFile) =>
        Path.GetFileNameWithoutExtension(exampleFile) switch
        {
            var n when n.StartsWith("enrollment-response", StringComparison.Ordinal) => EnrollmentResponseSchema,
            var n when n.StartsWith("enrollment", StringComparison.Ordinal) => EnrollmentSchema,
            var n when n.StartsWith("checkin-response", StringComparison.Ordinal) => CheckinResponseSchema,
            var n
                when n.StartsWith("heartbeat", StringComparison.Ordinal)
                    || n.StartsWith("inventory", StringComparison.Ordinal) => CheckinSchema,
            var n => throw new InvalidOperationException(
                $"No schema is known for docs/examples/{n}.json: name it enrollment*, heartbeat*, inventory*, "
                    + "checkin-response* or enrollment-response*."
            ),
        };

    public static IEnumerable<string> ExampleFiles() =>
        Directory
            .EnumerateFiles(RepositoryRoot.Combine("docs", "examples"), "*.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    /// <summary>Evaluates a document; the text is the list of errors ("" when valid), one per line.</summary>
    public static (bool Valid, string Errors) Evaluate(string schemaName, JsonNode document) =>
        Evaluate(schemaName, document.ToJsonString());

    public static (bool Valid, string Errors) Evaluate(string schemaName, string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var results = Schema(schemaName).Evaluate(parsed.RootElement, Options);
        return (results.IsValid, results.IsValid ? "" : Describe(results));
    }

    /// <summary>The app's own verdict on a check-in body: strict deserialisation, then <see
    /// cref="CheckinValidator"/>.</summary>
    public static Problem? ValidateWithApp(string json) => ReadWithApp(json).Problem;

    /// <summary>The app's reading of a check-in body: its errors, or the cleaned check-in and its warnings.</summary>
    public static Outcome<CheckedCheckin> ReadWithApp(string json) =>
        CheckinValidator.Read(Encoding.UTF8.GetBytes(json));

    public static string Describe(Problem? problem) =>
        problem is null
            ? "(accepted)"
            : $"{problem.Status} {problem.Type}: {problem.Detail}"
                + string.Concat(
                    (problem.Errors ?? new Dictionary<string, string[]>()).Select(e =>
                        $"\n  {e.Key}: {string.Join(" ", e.Value)}"
                    )
                );

    private static string Describe(EvaluationResults results)
    {
        var lines = new List<string>();
        foreach (var node in new[] { results }.Concat(results.Details ?? []))
        {
            // A failing 'if' is not an error (it only selects 'else'); list output still reports it.
            if (
                node.IsValid
                || node.Errors is null
                || node.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal)
            )
                continue;
            foreach (var (keyword, message) in node.Errors)
            {
                lines.Add($"{node.InstanceLocation} ({node.EvaluationPath}) {keyword}: {message}");
            }
        }
        return lines.Count == 0 ? "(invalid, no error details)" : string.Join("\n", lines);
    }

    private static JsonSchema Load(string name) =>
        // A registry of its own per schema: the global registry would refuse the same $id twice across test runs in one
        // process.
        JsonSchema.FromText(
            File.ReadAllText(SchemaPath(name)),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() }
        );
}
