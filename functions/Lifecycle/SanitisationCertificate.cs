using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// Renders the data-sanitisation certificate: a self-contained, printable HTML document. Pure: the same record gives
/// the same bytes. Every value is HTML-encoded; the canonical record (JSON) is embedded with its SHA-256 so that a
/// reader can check the certificate against the inventory's record (<c>GET …/decommissioning</c> shows the same hash).
/// </summary>
public static class SanitisationCertificate
{
    public const string Standard = "NIST SP 800-88 Rev. 1";

    /// <summary>The canonical bytes of the record: the app's JSON contract, compact, properties in declaration
    /// order.</summary>
    public static byte[] Canonical(CertificateRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, ApiJsonContext.Default.CertificateRecord);

    public static string Sha256(CertificateRecord record) =>
        Convert.ToHexStringLower(SHA256.HashData(Canonical(record)));

    public static byte[] Render(CertificateRecord record)
    {
        var canonical = Encoding.UTF8.GetString(Canonical(record));
        var sha = Sha256(record);
        var s = record.Sanitisation;
        var html = new StringBuilder(8 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>Certificate of data sanitisation ")
            .Append(E(record.CertificateId))
            .Append("</title>\n")
            .Append("<style>\n")
            .Append(
                "body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:48rem;margin:2rem "
                    + "auto;color:#111;line-height:1.4}\n"
            )
            .Append(
                "h1{font-size:1.5rem;border-bottom:2px solid "
                    + "#111;padding-bottom:.3rem}h2{font-size:1.1rem;margin-top:1.5rem}\n"
            )
            .Append(
                "table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.25rem "
                    + ".5rem;border-bottom:1px solid #ccc}\n"
            )
            .Append(
                "th{width:14rem;font-weight:600}.result{font-weight:700}"
                    + "pre{white-space:pre-wrap;word-break:break-all;font-size:.75rem;"
                    + "background:#f4f4f4;padding:.5rem}\n"
            )
            .Append(
                ".sign{margin-top:2.5rem;display:flex;gap:3rem}.sign div{flex:1;border-top:1px solid "
                    + "#111;padding-top:.25rem;font-size:.85rem}\n"
            )
            .Append("@media print{body{margin:0}pre{background:none}}\n")
            .Append("</style>\n</head>\n<body>\n")
            .Append("<h1>Certificate of data sanitisation</h1>\n")
            .Append(
                "<p>This certifies that the storage media of the asset below were sanitised in accordance with <strong>"
            )
            .Append(E(record.Standard))
            .Append("</strong> (Guidelines for Media Sanitization) and that the sanitisation was verified.</p>\n");

        Section(html, "Certificate", CertificateFields(record));
        Section(html, "Asset", AssetFields(record));

        html.Append("<h2>Media sanitised</h2>\n<ul>\n");
        foreach (var medium in s.Media)
            html.Append("<li>").Append(E(medium)).Append("</li>\n");
        html.Append("</ul>\n");

        Section(html, "Sanitisation", SanitisationFields(record));
        html.Append("<h2>Verification</h2>\n<table>\n");
        Row(html, "Method", s.Verification.Method);
        html.Append("<tr><th>Result</th><td class=\"result\">").Append(E(s.Verification.Result)).Append("</td></tr>\n");
        Row(html, "Verified by", s.Verification.VerifiedBy);
        Row(html, "Verified", s.Verification.VerifiedAt is { } at ? Date(at) : null);
        html.Append("</table>\n");

        html.Append("<h2>Decommissioning steps</h2>\n");
        if (record.Steps.Count == 0)
        {
            html.Append("<p>No further decommissioning steps were registered.</p>\n");
        }
        else
        {
            html.Append("<table>\n<tr><th>Step</th><th>Result</th></tr>\n");
            foreach (var step in record.Steps)
            {
                html.Append("<tr><td>")
                    .Append(E(step.Step))
                    .Append("</td><td>")
                    .Append(E(step.Summary))
                    .Append(" (released: ")
                    .Append(step.Released.ToString(CultureInfo.InvariantCulture))
                    .Append(")</td></tr>\n");
            }
            html.Append("</table>\n");
        }

        html.Append("<h2>Integrity</h2>\n<p>SHA-256 of the canonical record below (UTF-8, exactly as shown): <code>")
            .Append(E(sha))
            .Append("</code></p>\n<pre id=\"canonical-record\">")
            .Append(E(canonical))
            .Append("</pre>\n")
            .Append("<div class=\"sign\"><div>Operator signature</div><div>Verifier signature</div></div>\n")
            .Append("</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    // The labelled fields of three sections, shared by this HTML and the PDF (SanitisationCertificatePdf).

    internal static (string Label, string? Value)[] CertificateFields(CertificateRecord record) =>
        [
            ("Certificate id", record.CertificateId),
            ("Issued", Date(record.IssuedAt)),
            ("Issuer", record.Issuer),
            ("Issued by", record.IssuedBy),
        ];

    internal static (string Label, string? Value)[] AssetFields(CertificateRecord record) =>
        [
            ("Asset id", record.Asset.AssetId),
            ("Asset tag", record.Asset.Tag),
            ("Manufacturer", record.Asset.Manufacturer),
            ("Model", record.Asset.Model),
            ("Serial number", record.Asset.SerialNumber),
            ("Type", record.Asset.Type),
            ("Hostname", record.Asset.Hostname),
        ];

    internal static (string Label, string? Value)[] SanitisationFields(CertificateRecord record)
    {
        var s = record.Sanitisation;
        return
        [
            ("Method", $"{s.Method} ({record.Standard})"),
            (
                "What the method means",
                LifecycleRules.SanitisationMethods.TryGetValue(s.Method, out var meaning) ? meaning : null
            ),
            ("Tool", s.ToolVersion is null ? s.Tool : $"{s.Tool} {s.ToolVersion}"),
            ("Operator", s.Operator),
            ("Performed", Date(s.PerformedAt)),
            ("Record id / attempt", $"{s.RecordId} / {s.Attempt.ToString(CultureInfo.InvariantCulture)}"),
            ("Recorded", $"{Date(s.RecordedAt)} by {s.RecordedBy}"),
            ("Notes", s.Notes),
        ];
    }

    private static void Section(StringBuilder html, string title, IEnumerable<(string Label, string? Value)> rows)
    {
        html.Append("<h2>").Append(E(title)).Append("</h2>\n<table>\n");
        foreach (var (label, value) in rows)
            Row(html, label, value);
        html.Append("</table>\n");
    }

    private static void Row(StringBuilder html, string label, string? value) =>
        html.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(E(value ?? "—")).Append("</td></tr>\n");

    internal static string Date(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");
}
