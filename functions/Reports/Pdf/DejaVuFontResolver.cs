using PdfSharp.Fonts;

namespace ItInventory.Functions.Reports.Pdf;

/// <summary>
/// PDFsharp's fonts: the machines have no system fonts to rely on, so every face resolves to DejaVu Sans shipped beside
/// the app (Reports/Fonts, with its licence) and embedded in each PDF; bold and italic are simulated.
/// </summary>
public sealed class DejaVuFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Face = "DejaVuSans";
    private static readonly Lock Gate = new();
    private static bool installed;

    private static readonly Lazy<byte[]> Font = new(() =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Reports", "Fonts", "DejaVuSans.ttf"))
    );

    /// <summary>Sets the resolver once per process (PDFsharp's setting is global and may be set only before the first
    /// font is used).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (installed)
                return;
            GlobalFontSettings.FontResolver = new DejaVuFontResolver();
            installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(Face, bold, italic);

    public byte[]? GetFont(string faceName) => Font.Value;
}
