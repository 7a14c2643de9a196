using System.Text;
using System.Text.RegularExpressions;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>
/// The README stays a front door (small; the reference lives in docs/), and no page sends a reader to a file or a
/// heading that does not exist.
/// </summary>
public sealed partial class DocumentationTests
{
    /// <summary>12 KB: about five minutes of reading, the size of the azd quickstart's README.</summary>
    private const int MaxReadmeBytes = 12 * 1024;

    [Fact]
    public void Readme_is_at_most_12_KB()
    {
        var size = new FileInfo(Repo.Path("README.md")).Length;
        Assert.True(
            size <= MaxReadmeBytes,
            $"README.md is {size:N0} bytes; keep it at most {MaxReadmeBytes:N0} and move reference material to docs/."
        );
    }

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md" };
        foreach (var page in Directory.EnumerateFiles(Repo.Path("docs"), "*.md", SearchOption.AllDirectories).Order())
        {
            pages.Add(Path.GetRelativePath(Repo.Root, page).Replace('\\', '/'));
        }
        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_points_to_a_file_that_exists(string page)
    {
        var path = Repo.Path(page);
        var broken = new List<string>();
        foreach (var target in RelativeLinks(File.ReadAllText(path)))
        {
            var hash = target.IndexOf('#');
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var resolved =
                file.Length == 0
                    ? path
                    : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!resolved.StartsWith(Repo.Root, StringComparison.Ordinal))
            {
                broken.Add($"{target}: outside the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file");
            }
            else if (
                anchor is { Length: > 0 }
                && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                && !HeadingAnchors(File.ReadAllText(resolved)).Contains(anchor)
            )
            {
                broken.Add($"{target}: no heading with the anchor #{anchor}");
            }
        }
        Assert.True(broken.Count == 0, $"{page} has broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Link_reader_finds_links_and_skips_code_and_absolute_urls()
    {
        const string markdown = """
            See [the API](docs/api.md#endpoints) and ![a picture](img/x.png "title").
            Not a link: `[x](missing.md)`, nor [an address](https://example.org/a.md), nor [mail](mailto:a@b.c).
            ```
            [inside a fence](missing.md)
            ```
            [ref]: docs/deploy.md
            """;
        Assert.Equal(["docs/api.md#endpoints", "img/x.png", "docs/deploy.md"], RelativeLinks(markdown));
    }

    [Fact]
    public void Heading_anchors_follow_github()
    {
        const string markdown = """
            # API reference
            ## `POST /api/checkins`: heartbeat or full inventory
            ## Notes
            ## Notes
            ```sh
            # not a heading
            ```
            """;
        Assert.Equal(
            ["api-reference", "post-apicheckins-heartbeat-or-full-inventory", "notes", "notes-1"],
            HeadingAnchors(markdown)
        );
    }

    /// <summary>Targets of inline links, images and reference definitions outside code, except absolute URLs.</summary>
    private static List<string> RelativeLinks(string markdown)
    {
        var text = InlineCode().Replace(FencedCode().Replace(markdown, ""), "");
        return InlineLink()
            .Matches(text)
            .Select(m => m.Groups["target"].Value)
            .Concat(ReferenceDefinition().Matches(text).Select(m => m.Groups["target"].Value))
            .Select(t => t.Trim('<', '>'))
            .Where(t => !AbsoluteUrl().IsMatch(t))
            .ToList();
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens,
    /// repeats numbered.</summary>
    private static List<string> HeadingAnchors(string markdown)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new List<string>();
        foreach (Match heading in Heading().Matches(FencedCode().Replace(markdown, "")))
        {
            var slug = new StringBuilder();
            foreach (var c in heading.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                    slug.Append(c);
                else if (c == ' ')
                    slug.Append('-');
            }
            var anchor = slug.ToString();
            anchors.Add(seen.TryGetValue(anchor, out var count) ? $"{anchor}-{count}" : anchor);
            seen[anchor] = count + 1;
        }
        return anchors;
    }

    [GeneratedRegex(@"^\s*(```|~~~).*?^\s*\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"(`+).+?\1")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
