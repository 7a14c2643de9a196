using ItInventory.Functions.Assets;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Lifecycle;

namespace ItInventory.Console.Services;

/// <summary>What the asset page offers (pure code; the API decides): lifecycle moves, check-out and check-in,
/// decommissioning (sanitisation, remaining steps, disposal) and the certificate.</summary>
public static class AssetActions
{
    /// <summary>The states <c>POST /api/assets/{id}/state</c> takes from here: the API's own rule
    /// (<see cref="LifecycleStateMachine.ManualTargets"/>); review and disposal have their own forms.</summary>
    public static IReadOnlyList<string> LifecycleTargets(AssetView asset, DecommissioningView? record) =>
        Enum.TryParse<LifecycleState>(asset.State, out var state)
            ?
            [
                .. LifecycleStateMachine
                    .ManualTargets(state, record?.Sanitisation is not null)
                    .Select(s => s.ToString()),
            ]
            : [];

    public static bool IsTerminal(AssetView asset) =>
        Enum.TryParse<LifecycleState>(asset.State, out var state) && LifecycleStateMachine.IsTerminal(state);

    /// <summary>The open check-out (the newest assignment not checked in), if any.</summary>
    public static AssignmentView? Current(AssignmentPage? assignments) =>
        assignments?.Items.FirstOrDefault(a => a.CheckedInAt is null);

    public static bool IsDecommissioning(AssetView asset) =>
        asset.State is nameof(LifecycleState.Retired) or nameof(LifecycleState.Disposed);

    /// <summary>A retired asset takes a sanitisation record once, again only after a failed one.</summary>
    public static bool CanRecordSanitisation(AssetView asset, DecommissioningView? record) =>
        asset.State == nameof(LifecycleState.Retired)
        && record?.Sanitisation?.Verification.Result is null or LifecycleSanitisation.Failed;

    public static bool CanRunSteps(AssetView asset, DecommissioningView? record) =>
        asset.State == nameof(LifecycleState.Retired) && record?.StepsPending == true;

    /// <summary>Disposal needs a passed sanitisation, every step done and the certificate issued.</summary>
    public static bool CanRecordDisposal(AssetView asset, DecommissioningView? record) =>
        asset.State == nameof(LifecycleState.Retired)
        && record is { StepsPending: false, Certificate: not null, Disposal: null }
        && record.Sanitisation?.Verification.Result == LifecycleSanitisation.Passed;

    public static string CertificatePath(string assetId) =>
        $"assets/{Uri.EscapeDataString(assetId)}/decommissioning/certificate?format=pdf";

    public static string CertificateFileName(CertificateView certificate) =>
        $"sanitisation-certificate-{certificate.CertificateId}.pdf";

    /// <summary>The media typed one per line; none means "the disks of the last inventory" (the API's default).
    /// </summary>
    public static IReadOnlyList<string>? Media(string? lines)
    {
        var media = (lines ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        return media.Count == 0 ? null : media;
    }
}

/// <summary>The verification results the API takes (LifecycleRules.SanitisationPassed/Failed).</summary>
public static class LifecycleSanitisation
{
    public const string Passed = "Passed";
    public const string Failed = "Failed";

    /// <summary>NIST SP 800-88 Rev. 1 methods.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["Clear", "Purge", "Destroy"];
}

/// <summary>The sanitisation form: performed and verified now, by the operator named.</summary>
public sealed class SanitisationForm
{
    public string Method { get; set; } = "Purge";
    public string? Tool { get; set; }
    public string? ToolVersion { get; set; }
    public string? Operator { get; set; }
    public string? Media { get; set; }
    public string? VerificationMethod { get; set; }
    public string Result { get; set; } = LifecycleSanitisation.Passed;
    public string? VerifiedBy { get; set; }
    public string? Notes { get; set; }

    /// <summary>The request; <paramref name="at"/> is when it was done (the API refuses times in the future).</summary>
    public SanitisationRequest ToRequest(DateTimeOffset at) =>
        new()
        {
            Method = Method,
            Tool = Blank(Tool),
            ToolVersion = Blank(ToolVersion),
            Operator = Blank(Operator),
            PerformedAt = at,
            Media = AssetActions.Media(Media),
            Verification = new SanitisationVerification
            {
                Method = Blank(VerificationMethod),
                Result = Result,
                VerifiedBy = Blank(VerifiedBy) ?? Blank(Operator),
                VerifiedAt = at,
            },
            Notes = Blank(Notes),
        };

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The disposal form: collected now by the recycler named.</summary>
public sealed class DisposalForm
{
    public string? Recycler { get; set; }
    public string? RecyclerCertification { get; set; }
    public string? WeeeReference { get; set; }
    public string? Notes { get; set; }

    public DisposalRequest ToRequest(DateTimeOffset at) =>
        new()
        {
            Recycler = SanitisationForm.Blank(Recycler),
            RecyclerCertification = SanitisationForm.Blank(RecyclerCertification),
            WeeeReference = SanitisationForm.Blank(WeeeReference),
            CollectedAt = at,
            Notes = SanitisationForm.Blank(Notes),
        };
}
