using System.Reflection;
using System.Text.RegularExpressions;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Management;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// docs/api.md's endpoint table lists exactly the HTTP functions of the build (read from its functions.metadata): one
/// row per function with its operation name, method and route, none missing and none extra. Its "Who" column says
/// what <see cref="AuthorizationMatrixTests"/> proves: a role is named exactly when that persona is let in.
/// </summary>
public sealed partial class ApiReferenceTests
{
    private static readonly string PagePath = RepositoryRoot.Combine("docs", "api.md");

    /// <summary>A row of the endpoint table.</summary>
    private sealed record Row(string Operation, string Method, string Route, string Who);

    [Fact]
    public void Every_http_function_has_a_row_with_its_method_and_route()
    {
        var rows = Rows().ToLookup(r => r.Operation);
        var problems = new List<string>();
        var functions = BuiltFunctions.HttpFunctions();
        Assert.NotEmpty(functions);
        foreach (var function in functions)
        {
            var route = OpenApiTests.DocumentedPath(function.Route);
            var expected = function.Methods.Select(m => (m.ToUpperInvariant(), route)).Order().ToList();
            var documented = rows[function.Name].Select(r => (r.Method, r.Route)).Order().ToList();
            if (documented.Count == 0)
                problems.Add($"{function.Name} is not in docs/api.md");
            else if (!documented.SequenceEqual(expected))
            {
                problems.Add(
                    $"{function.Name}: docs/api.md says {string.Join(", ", documented)}, "
                        + $"the function is {string.Join(", ", expected)}"
                );
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_row_is_an_http_function_of_the_build()
    {
        var functions = BuiltFunctions.HttpFunctions().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var rows = Rows();
        var stale = rows.Where(r => !functions.Contains(r.Operation))
            .Select(r => $"{r.Operation} ({r.Method} {r.Route}) is no HTTP function of the build")
            .ToList();
        stale.AddRange(
            rows.GroupBy(r => (r.Operation, r.Method))
                .Where(g => g.Count() > 1)
                .Select(g => $"{g.Key.Operation} {g.Key.Method} has {g.Count()} rows")
        );
        Assert.True(stale.Count == 0, string.Join("\n", stale));
    }

    [Fact]
    public void The_who_column_names_exactly_the_personas_the_authorisation_matrix_lets_in()
    {
        var (personas, matrix) = AuthorisationMatrix();
        var problems = new List<string>();
        foreach (var row in Rows())
        {
            if (!matrix.TryGetValue(row.Operation, out var statuses))
            {
                problems.Add($"{row.Operation} is not in the authorisation matrix");
                continue;
            }
            for (var i = 0; i < personas.Length; i++)
            {
                var allowed = statuses[i] is >= 200 and < 300;
                if (allowed != Admits(row.Who, personas[i]))
                {
                    problems.Add(
                        $"{row.Operation}: docs/api.md {(allowed ? "omits" : "names")} {personas[i]} "
                            + $"(\"{row.Who}\"), the matrix expects {statuses[i]}"
                    );
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("Admin + MFA", "admin", true)]
    [InlineData("Admin + MFA", "admin-without-mfa", false)]
    [InlineData("Admin, Auditor", "admin-without-mfa", true)]
    [InlineData("Admin, Lead + MFA", "lead-same-department", true)]
    [InlineData("Admin, Lead + MFA", "lead-other-department", false)]
    [InlineData("Admin, Auditor, Lead (of any department)", "lead-other-department", true)]
    [InlineData("Admin, Auditor (dry run, the default); Admin + MFA (release)", "admin-without-mfa", true)]
    [InlineData("any signed-in person", "auditor", true)]
    [InlineData("any signed-in person", "device", false)]
    [InlineData("the device itself (`Authorization: Device <deviceId>.<deviceSecret>`)", "device", true)]
    [InlineData("the device itself (`Authorization: Device <deviceId>.<deviceSecret>`)", "admin", false)]
    [InlineData("anyone holding an enrollment secret (in the body)", "anonymous", true)]
    public void Who_is_read_clause_by_clause(string who, string persona, bool admitted) =>
        Assert.Equal(admitted, Admits(who, persona));

    /// <summary>
    /// Whether the "Who" text lets <paramref name="persona"/> in: clauses separated by <c>;</c> are alternatives; a
    /// clause with <c>+ MFA</c> admits people only with MFA; "Lead" is a lead of the record's department, "of any
    /// department" any lead; the owner is no persona of the matrix.
    /// </summary>
    private static bool Admits(string who, string persona) =>
        who.Split(';')
            .Any(clause =>
            {
                var mfa = clause.Contains("+ MFA", StringComparison.Ordinal);
                bool Names(string word) => Regex.IsMatch(clause, $@"\b{Regex.Escape(word)}\b");
                return persona switch
                {
                    "anonymous" => Names("anyone"),
                    "device" => Names("anyone") || Names("the device"),
                    "end-user" => Names("anyone") || Names("any signed-in person"),
                    "lead-same-department" => Names("anyone") || Names("any signed-in person") || Names("Lead"),
                    "lead-other-department" => Names("anyone")
                        || Names("any signed-in person")
                        || (Names("Lead") && Names("of any department")),
                    "auditor" => Names("anyone") || Names("any signed-in person") || Names("Auditor"),
                    "admin-without-mfa" => Names("anyone") || Names("any signed-in person") || (Names("Admin") && !mfa),
                    "admin" => Names("anyone") || Names("any signed-in person") || Names("Admin"),
                    _ => throw new ArgumentException($"Unknown persona {persona}", nameof(persona)),
                };
            });

    /// <summary>The personas and expected statuses of <see cref="AuthorizationMatrixTests"/>, read as they are so the
    /// two can never drift apart.</summary>
    private static (string[] Personas, IReadOnlyDictionary<string, int[]> Matrix) AuthorisationMatrix()
    {
        const BindingFlags privateStatic = BindingFlags.NonPublic | BindingFlags.Static;
        var type = typeof(AuthorizationMatrixTests);
        var personas = (string[])type.GetField("Personas", privateStatic)!.GetValue(null)!;
        var matrix = (Dictionary<string, int[]>)type.GetField("Matrix", privateStatic)!.GetValue(null)!;
        return (personas, matrix);
    }

    /// <summary>The rows of the endpoint table: <c>| `Operation` | `METHOD` | `/api/route` | who |</c>.</summary>
    private static List<Row> Rows()
    {
        var rows = File.ReadLines(PagePath)
            .Select(line => TableRow().Match(line))
            .Where(m => m.Success)
            .Select(m => new Row(
                m.Groups["operation"].Value,
                m.Groups["method"].Value,
                m.Groups["route"].Value,
                m.Groups["who"].Value.Trim()
            ))
            .ToList();
        Assert.NotEmpty(rows);
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<operation>[A-Za-z]+)` \| `(?<method>[A-Z]+)` \| `(?<route>/[^`]+)` \| (?<who>.+) \|$")]
    private static partial Regex TableRow();
}
