using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>The code follows .editorconfig's line length (CSharpier, a dotnet tool of the repository, formats to it:
/// <c>dotnet tool restore &amp;&amp; dotnet csharpier format .</c>).</summary>
public sealed class CodeStyleTests
{
    private const int MaxLineLength = 120;

    [Fact]
    public void Every_line_of_csharp_is_at_most_120_characters()
    {
        var sources = new[] { "functions", "tests", "tools", "bench", "agent" }
            .Select(folder => Repo.Path(folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .ToList();
        Assert.NotEmpty(sources);

        var tooLong = sources
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(l => l.line.Length > MaxLineLength)
            .Select(l => $"{Path.GetRelativePath(Repo.Path(), l.file)}:{l.number} ({l.line.Length})")
            .ToList();
        Assert.True(
            tooLong.Count == 0,
            $"{tooLong.Count} line(s) over {MaxLineLength}:\n" + string.Join('\n', tooLong.Take(50))
        );
    }
}
