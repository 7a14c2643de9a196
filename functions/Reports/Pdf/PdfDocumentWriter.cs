using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ItInventory.Functions.Reports.Pdf;

/// <summary>
/// A small flowing PDF layout on PDFsharp: a title, headings, paragraphs, label/value lists and tables (header repeated
/// on each page, cells wrapped, long tokens such as hashes broken by character), a footer with the document's name and
/// page number. Text is drawn as text (DejaVu Sans, embedded), so a reader extracts the same figures.
/// </summary>
public sealed class PdfDocumentWriter : IDisposable
{
    private const double Margin = 40;
    private const double Padding = 2.5;
    private readonly PdfDocument document = new();
    private readonly PageOrientation orientation;
    private readonly string footer;
    private readonly XFont title = new(DejaVuFontResolver.Family, 16, XFontStyleEx.Bold);
    private readonly XFont heading = new(DejaVuFontResolver.Family, 11.5, XFontStyleEx.Bold);
    private readonly XFont body = new(DejaVuFontResolver.Family, 9);
    private readonly XFont bold = new(DejaVuFontResolver.Family, 9, XFontStyleEx.Bold);
    private readonly XFont cell = new(DejaVuFontResolver.Family, 7);
    private readonly XFont cellBold = new(DejaVuFontResolver.Family, 7, XFontStyleEx.Bold);
    private readonly XFont small = new(DejaVuFontResolver.Family, 7);
    private XGraphics? graphics;
    private double y;

    static PdfDocumentWriter() => DejaVuFontResolver.Install();

    /// <param name="documentTitle">The PDF's title (metadata) and footer text.</param>
    /// <param name="createdAt">The creation date written into the document (the report's own time, not the clock's,
    /// so the same report renders the same metadata).</param>
    public PdfDocumentWriter(string documentTitle, DateTimeOffset createdAt, bool landscape = false)
    {
        orientation = landscape ? PageOrientation.Landscape : PageOrientation.Portrait;
        footer = documentTitle;
        document.Info.Title = documentTitle;
        document.Info.Creator = "ItInventory";
        document.Info.CreationDate = createdAt.UtcDateTime;
        document.Info.ModificationDate = createdAt.UtcDateTime;
        NewPage();
    }

    private double Width => graphics!.PageSize.Width - 2 * Margin;
    private double Bottom => graphics!.PageSize.Height - Margin - 12;

    public PdfDocumentWriter Title(string text)
    {
        Lines(text, title, 4);
        return Space(4);
    }

    public PdfDocumentWriter Heading(string text)
    {
        if (y + 3 * heading.GetHeight() > Bottom)
            NewPage();
        Space(6);
        Lines(text, heading, 3);
        return this;
    }

    public PdfDocumentWriter Paragraph(string text, bool strong = false)
    {
        Lines(text, strong ? bold : body, 3);
        return this;
    }

    /// <summary>Label/value rows in two columns (the value column wraps).</summary>
    public PdfDocumentWriter Fields(IEnumerable<(string Label, string? Value)> rows)
    {
        var labelWidth = Math.Min(170, Width * 0.35);
        var lineHeight = body.GetHeight();
        foreach (var (label, value) in rows)
        {
            var labels = Wrap(label, bold, labelWidth - 6);
            var values = Wrap(value is { Length: > 0 } ? value : "—", body, Width - labelWidth);
            var height = Math.Max(labels.Count, values.Count) * lineHeight + 2;
            if (y + height > Bottom)
                NewPage();
            for (var i = 0; i < labels.Count; i++)
                Draw(labels[i], bold, Margin, y + i * lineHeight);
            for (var i = 0; i < values.Count; i++)
                Draw(values[i], body, Margin + labelWidth, y + i * lineHeight);
            y += height;
        }
        return Space(2);
    }

    /// <summary>A table: column widths from the content (capped, scaled to the page), header repeated on page breaks,
    /// an empty table says so.</summary>
    public PdfDocumentWriter Table(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = ColumnWidths(headers, rows);
        var lineHeight = cell.GetHeight();
        DrawHeader(headers, widths, lineHeight);
        if (rows.Count == 0)
            return Paragraph("(none)");
        foreach (var row in rows)
        {
            var wrapped = row.Select((text, c) => Wrap(text, cell, widths[c] - 2 * Padding)).ToList();
            var height = wrapped.Max(w => w.Count) * lineHeight + 2 * Padding;
            if (y + height > Bottom)
            {
                NewPage();
                DrawHeader(headers, widths, lineHeight);
            }
            var x = Margin;
            for (var c = 0; c < wrapped.Count; c++)
            {
                for (var i = 0; i < wrapped[c].Count; i++)
                    Draw(wrapped[c][i], cell, x + Padding, y + Padding + i * lineHeight);
                x += widths[c];
            }
            y += height;
            graphics!.DrawLine(XPens.LightGray, Margin, y, Margin + widths.Sum(), y);
        }
        return Space(4);
    }

    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        document.Save(buffer, false);
        return buffer.ToArray();
    }

    public void Dispose()
    {
        graphics?.Dispose();
        document.Dispose();
    }

    private void DrawHeader(IReadOnlyList<string> headers, double[] widths, double lineHeight)
    {
        var wrapped = headers.Select((text, c) => Wrap(text, cellBold, widths[c] - 2 * Padding)).ToList();
        var height = wrapped.Max(w => w.Count) * lineHeight + 2 * Padding;
        if (y + height + lineHeight * 2 > Bottom)
            NewPage();
        graphics!.DrawRectangle(XBrushes.Gainsboro, Margin, y, widths.Sum(), height);
        var x = Margin;
        for (var c = 0; c < wrapped.Count; c++)
        {
            for (var i = 0; i < wrapped[c].Count; i++)
                Draw(wrapped[c][i], cellBold, x + Padding, y + Padding + i * lineHeight);
            x += widths[c];
        }
        y += height;
    }

    private double[] ColumnWidths(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        const double cap = 290;
        var natural = new double[headers.Count];
        for (var c = 0; c < headers.Count; c++)
        {
            // The header may wrap by word; its longest word sets the minimum.
            var widest = headers[c].Split(' ').Max(w => Measure(w, cellBold));
            foreach (var row in rows.Take(500))
                widest = Math.Max(widest, Measure(row[c], cell));
            natural[c] = Math.Min(cap, widest + 2 * Padding + 1);
        }
        var total = natural.Sum();
        return total <= Width ? natural : [.. natural.Select(w => w * Width / total)];
    }

    private void Lines(string text, XFont font, double after)
    {
        var lineHeight = font.GetHeight();
        foreach (var line in Wrap(text, font, Width))
        {
            if (y + lineHeight > Bottom)
                NewPage();
            Draw(line, font, Margin, y);
            y += lineHeight;
        }
        y += after;
    }

    private PdfDocumentWriter Space(double points)
    {
        y += points;
        return this;
    }

    private void Draw(string text, XFont font, double x, double top)
    {
        if (text.Length > 0)
            graphics!.DrawString(text, font, XBrushes.Black, new XPoint(x, top), XStringFormats.TopLeft);
    }

    private double Measure(string text, XFont font) => text.Length == 0 ? 0 : graphics!.MeasureString(text, font).Width;

    /// <summary>Word wrap; a word wider than the line (a hash, an id) is broken by character.</summary>
    private List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (Measure(candidate, font) <= width)
                {
                    line = candidate;
                    continue;
                }
                if (line.Length > 0)
                    lines.Add(line);
                var rest = word;
                while (rest.Length > 1 && Measure(rest, font) > width)
                {
                    var take = 1;
                    while (take < rest.Length && Measure(rest[..(take + 1)], font) <= width)
                        take++;
                    lines.Add(rest[..take]);
                    rest = rest[take..];
                }
                line = rest;
            }
            lines.Add(line);
        }
        return lines;
    }

    private void NewPage()
    {
        graphics?.Dispose();
        var page = document.AddPage();
        page.Size = PageSize.A4;
        page.Orientation = orientation;
        graphics = XGraphics.FromPdfPage(page);
        var number = document.PageCount.ToString(CultureInfo.InvariantCulture);
        var bottom = graphics.PageSize.Height - Margin + 4;
        Draw(footer, small, Margin, bottom);
        var label = "Page " + number;
        Draw(label, small, graphics.PageSize.Width - Margin - Measure(label, small), bottom);
        y = Margin;
    }
}
