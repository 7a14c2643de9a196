using System.Globalization;

namespace ItInventory.Functions.Reports.Mail;

/// <summary>A file carried by a message: an inline image (with its content id) or an attachment.</summary>
public sealed record MailPart(string FileName, string ContentType, byte[] Content, string? ContentId = null);

/// <summary>One message as both transports send it: HTML body, inline images referenced by <c>cid:</c>, attachments.
/// <see cref="MessageId"/> is the same for every attempt of one send, so a duplicate after a crash carries the same
/// Message-ID (SMTP) and a receiving system can recognise it.</summary>
public sealed record FinanceMailMessage(
    string From,
    IReadOnlyList<string> To,
    string Subject,
    string Html,
    IReadOnlyList<MailPart> Inline,
    IReadOnlyList<MailPart> Attachments,
    string MessageId
);

/// <summary>The finance email of a period, pure: the summary page with its charts by content id, the workbook
/// attached.</summary>
public static class FinanceMailComposer
{
    public const string AttachmentName = "finance-summary-{0}.xlsx";

    /// <summary>The content id of a chart in the message (<c>cid:</c> in the HTML, <c>Content-ID</c> of the part).
    /// </summary>
    public static string ContentId(string chartId) => chartId + "@itinventory";

    /// <summary>The Message-ID of send number <paramref name="sequence"/> of a period.</summary>
    public static string MessageIdFor(string kind, string period, int sequence, string sender) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{kind}-{period}-{sequence}.itinventory@{sender[(sender.LastIndexOf('@') + 1)..]}"
        );

    public static FinanceMailMessage Compose(
        FinanceReport report,
        IReadOnlyDictionary<string, byte[]> charts,
        byte[] xlsx,
        FinanceMailOptions options,
        string messageId
    ) =>
        new(
            options.Sender!,
            options.RecipientList,
            options.SubjectFor(report.Period),
            FinanceHtml.Write(report, id => "cid:" + ContentId(id)),
            [
                .. charts
                    .OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => new MailPart(c.Key + ".png", "image/png", c.Value, ContentId(c.Key))),
            ],
            [
                new MailPart(
                    string.Format(CultureInfo.InvariantCulture, AttachmentName, report.Period),
                    FinanceReportService.XlsxType,
                    xlsx
                ),
            ],
            messageId
        );
}
