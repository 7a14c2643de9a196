using ItInventory.Functions.Campaigns;

namespace ItInventory.Console.Services;

/// <summary>How a scan was recorded, in words for the person walking the floor.</summary>
public enum ScanOutcomeKind
{
    /// <summary>An expected asset, recorded for the first time.</summary>
    Expected,

    /// <summary>An expected asset recorded before: this scan replaced its record.</summary>
    AlreadyRecorded,

    /// <summary>An expected asset recorded missing.</summary>
    Missing,

    /// <summary>Recorded as unexpected: an unknown tag, or an asset that is not in the campaign.</summary>
    Unexpected,

    /// <summary>Not recorded: the API refused it (outside the campaign, closed campaign, not allowed…).</summary>
    Refused,
}

/// <summary>One scan's result as the scan page shows it: the asset it was about, a headline and, when refused, the
/// problem.</summary>
public sealed record ScanOutcome(string Scanned, ScanOutcomeKind Kind, string Headline, ApiProblem? Problem)
{
    public static ScanOutcome From(string scanned, ApiResult<CampaignRecordView> answer)
    {
        if (answer.Problem is { } problem || answer.Value is not { } record)
        {
            var refused = answer.Problem ?? ApiProblem.From(answer.Status, "");
            var headline = refused.Status == 422 ? "Outside the campaign — not recorded" : "Not recorded";
            return new(scanned, ScanOutcomeKind.Refused, headline, refused);
        }
        var name = record.Tag ?? record.AssetId ?? scanned;
        return record.Outcome switch
        {
            "unexpected" => new(
                name,
                ScanOutcomeKind.Unexpected,
                record.Reason == "unknown-tag"
                    ? "Unexpected — no asset has this tag (recorded for follow-up)"
                    : "Unexpected — this asset is not in the campaign (recorded for follow-up)",
                null
            ),
            "missing" => new(name, ScanOutcomeKind.Missing, "Recorded missing", null),
            _ when record.Records > 1 => new(
                name,
                ScanOutcomeKind.AlreadyRecorded,
                $"Already recorded — recorded again ({record.Records} records){Where(record)}",
                null
            ),
            _ => new(name, ScanOutcomeKind.Expected, "Expected — recorded found" + Where(record), null),
        };
    }

    private static string Where(CampaignRecordView record) =>
        record.LocationMatches switch
        {
            true => ", at its recorded location",
            false => $", at {record.Location ?? "an unrecorded place"} (recorded at "
                + $"{record.ExpectedLocation ?? "no location"})",
            null => "",
        };

    /// <summary>The CSS class of the result (colour is never the only cue: the headline says it).</summary>
    public string CssClass =>
        Kind switch
        {
            ScanOutcomeKind.Expected => "scan-ok",
            ScanOutcomeKind.AlreadyRecorded => "scan-again",
            _ => "scan-warn",
        };
}
