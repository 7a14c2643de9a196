using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ItInventory.Functions.Common;
using ItInventory.Functions.Reports.Pdf;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// The sanitisation certificate as PDF: rendered from the canonical record embedded in the stored (HTML) certificate,
/// so the PDF certifies exactly what was issued; the caller checks the record's SHA-256 against the one on record
/// before rendering. Pure: the same record gives the same content.
/// </summary>
public static class SanitisationCertificatePdf
{
    private const string RecordStart = "<pre id=\"canonical-record\">";

    /// <summary>The canonical record of a stored certificate, or null when the document holds none that parses.
    /// </summary>
    public static CertificateRecord? RecordOf(byte[] html)
    {
        var text = Encoding.UTF8.GetString(html);
        var start = text.IndexOf(RecordStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf("</pre>", start, StringComparison.Ordinal);
        if (end < 0)
            return null;
        var json = WebUtility.HtmlDecode(text[(start + RecordStart.Length)..end]);
        try
        {
            return JsonSerializer.Deserialize(json, ApiJsonContext.Default.CertificateRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static byte[] Render(CertificateRecord record)
    {
        var sha = SanitisationCertificate.Sha256(record);
        var s = record.Sanitisation;
        using var pdf = new PdfDocumentWriter(
            $"Certificate of data sanitisation {record.CertificateId}",
            record.IssuedAt
        );
        pdf.Title("Certificate of data sanitisation")
            .Paragraph(
                "This certifies that the storage media of the asset below were sanitised in accordance with "
                    + $"{record.Standard} (Guidelines for Media Sanitization) and that the sanitisation was verified."
            )
            .Heading("Certificate")
            .Fields(SanitisationCertificate.CertificateFields(record))
            .Heading("Asset")
            .Fields(SanitisationCertificate.AssetFields(record))
            .Heading("Media sanitised")
            .Fields(s.Media.Select((m, i) => ((i + 1).ToString(CultureInfo.InvariantCulture), (string?)m)))
            .Heading("Sanitisation")
            .Fields(SanitisationCertificate.SanitisationFields(record))
            .Heading("Verification")
            .Fields([
                ("Method", s.Verification.Method),
                ("Result", s.Verification.Result),
                ("Verified by", s.Verification.VerifiedBy),
                ("Verified", s.Verification.VerifiedAt is { } at ? SanitisationCertificate.Date(at) : null),
            ])
            .Heading("Decommissioning steps");
        if (record.Steps.Count == 0)
            pdf.Paragraph("No further decommissioning steps were registered.");
        else
            pdf.Fields(
                record.Steps.Select(step => (step.Step, (string?)$"{step.Summary} (released: {step.Released})"))
            );
        pdf.Heading("Integrity")
            .Paragraph("SHA-256 of the canonical record below (UTF-8, exactly as shown):")
            .Paragraph(sha, strong: true)
            .Paragraph(Encoding.UTF8.GetString(SanitisationCertificate.Canonical(record)))
            .Heading("Signatures")
            .Fields([("Operator signature", " "), ("Verifier signature", " ")]);
        return pdf.ToArray();
    }
}
