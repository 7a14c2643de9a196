using System.Globalization;
using System.Security;
using System.Text;
using QRCoder;

namespace ItInventory.Functions.Tags;

/// <summary>One label: the tag and what its QR code encodes.</summary>
public sealed record LabelContent(string Tag, string Payload);

/// <summary>
/// QR labels drawn from QRCoder's module matrix: an SVG label (QR code with the tag printed under it), a PNG of the
/// QR code (QRCoder's <see cref="PngByteQRCode"/>) and an A4 sheet of SVG labels. Pure functions.
/// </summary>
public static class QrLabels
{
    private static QRCodeData Encode(string payload)
    {
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
    }

    /// <summary>The dark modules as one SVG path in module units (the matrix includes the quiet zone); and its
    /// size.</summary>
    private static (string Path, int Size) Modules(string payload)
    {
        using var data = Encode(payload);
        var matrix = data.ModuleMatrix;
        var path = new StringBuilder();
        for (var y = 0; y < matrix.Count; y++)
        {
            for (var x = 0; x < matrix[y].Length; x++)
            {
                if (matrix[y][x])
                    path.Append(CultureInfo.InvariantCulture, $"M{x},{y}h1v1h-1z");
            }
        }
        return (path.ToString(), matrix.Count);
    }

    /// <summary>The label's elements in a <paramref name="width"/> × <paramref name="width"/>·1.25 box at (x, y), in
    /// mm.</summary>
    private static void AppendLabel(StringBuilder svg, LabelContent label, double x, double y, double width)
    {
        var (path, size) = Modules(label.Payload);
        var scale = width / size;
        var tag = SecurityElement.Escape(label.Tag);
        svg.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate({x:0.###},{y:0.###})\">");
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<rect width=\"{width:0.###}\" height=\"{width * 1.25:0.###}\" fill=\"#fff\"/>"
        );
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<path transform=\"scale({scale:0.######})\" fill=\"#000\" d=\"{path}\"/>"
        );
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<text x=\"{width / 2:0.###}\" y=\"{width * 1.14:0.###}\" font-family=\"monospace\" "
                + $"font-size=\"{width / 9:0.###}\" text-anchor=\"middle\" fill=\"#000\">{tag}</text>"
        );
        svg.Append("</g>");
    }

    /// <summary>One label as a standalone SVG document (40 × 50 mm).</summary>
    public static string Svg(LabelContent label)
    {
        var svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        svg.Append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40mm\" height=\"50mm\" viewBox=\"0 0 40 50\" "
                + "shape-rendering=\"crispEdges\">"
        );
        svg.Append(CultureInfo.InvariantCulture, $"<title>{SecurityElement.Escape(label.Tag)}</title>");
        AppendLabel(svg, label, 0, 0, 40);
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The QR code alone as a PNG (QRCoder's PNG writer, 10 pixels per module).</summary>
    public static byte[] Png(LabelContent label)
    {
        using var data = Encode(label.Payload);
        return new PngByteQRCode(data).GetGraphic(10);
    }

    public const int SheetColumns = 4;
    public const int SheetRows = 5;
    public const int LabelsPerPage = SheetColumns * SheetRows;

    /// <summary>
    /// An A4 sheet (210 × 297 mm per page, pages stacked vertically in one SVG, <see cref="LabelsPerPage"/> labels per
    /// page in a <see cref="SheetColumns"/> × <see cref="SheetRows"/> grid, 40 × 50 mm each with cutting margins).
    /// </summary>
    public static string Sheet(IReadOnlyList<LabelContent> labels)
    {
        const double pageWidth = 210,
            pageHeight = 297,
            width = 40,
            height = 50;
        var pages = Math.Max(1, (labels.Count + LabelsPerPage - 1) / LabelsPerPage);
        var gapX = (pageWidth - SheetColumns * width) / (SheetColumns + 1);
        var gapY = (pageHeight - SheetRows * height) / (SheetRows + 1);
        var svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{pageWidth}mm\" height=\"{pageHeight * pages}mm\" "
                + $"viewBox=\"0 0 {pageWidth} {pageHeight * pages}\" shape-rendering=\"crispEdges\">"
        );
        svg.Append("<title>Asset labels</title>");
        for (var i = 0; i < labels.Count; i++)
        {
            var page = i / LabelsPerPage;
            var column = i % LabelsPerPage % SheetColumns;
            var row = i % LabelsPerPage / SheetColumns;
            AppendLabel(
                svg,
                labels[i],
                gapX + column * (width + gapX),
                page * pageHeight + gapY + row * (height + gapY),
                width
            );
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
