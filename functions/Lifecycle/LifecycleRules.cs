using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// The rules of the lifecycle endpoints on top of <see cref="LifecycleStateMachine"/>: pure, no I/O. Each check answers
/// null (go ahead) or the problem to return; nothing is written when a check fails.
/// </summary>
public static class LifecycleRules
{
    public const string SanitisationPassed = "Passed";
    public const string SanitisationFailed = "Failed";

    /// <summary>NIST SP 800-88 Rev. 1 sanitisation methods and what each means (shown on the certificate).</summary>
    public static readonly IReadOnlyDictionary<string, string> SanitisationMethods = new Dictionary<string, string>(
        StringComparer.Ordinal
    )
    {
        ["Clear"] =
            "Clear: logical techniques (overwriting user-addressable storage with non-sensitive data, or a factory "
            + "reset) that protect against simple non-invasive data recovery.",
        ["Purge"] =
            "Purge: physical or logical techniques (e.g. cryptographic erase, block erase, ATA/NVMe sanitize, "
            + "degaussing) that render data recovery infeasible even with state-of-the-art laboratory techniques.",
        ["Destroy"] =
            "Destroy: the media is physically destroyed (shredding, disintegration, pulverisation, incineration) so "
            + "that recovery is infeasible and the media can no longer store data.",
    };

    /// <summary>The states <c>POST …/state</c> may move an asset to (<see
    /// cref="LifecycleStateMachine.ManualTargets"/>).</summary>
    public static IReadOnlyList<LifecycleState> ManualTargets(LifecycleState from, bool sanitisationRecorded) =>
        LifecycleStateMachine.ManualTargets(from, sanitisationRecorded);

    /// <summary>Checks a manual transition: 409 naming the allowed targets (and the endpoint to use instead, if
    /// any).</summary>
    public static Problem? CheckTransition(LifecycleState from, LifecycleState to, bool sanitisationRecorded)
    {
        var allowed = ManualTargets(from, sanitisationRecorded);
        if (allowed.Contains(to))
            return null;

        var reason = (from, to) switch
        {
            (LifecycleState.Discovered, _) =>
                "A discovered device leaves review only through POST /api/assets/{assetId}/approve or /reject.",
            (_, LifecycleState.Rejected) =>
                "Only a discovered device can be rejected, through POST /api/assets/{assetId}/reject.",
            (LifecycleState.Retired, LifecycleState.Disposed) =>
                "A retired asset is disposed of through its disposal record: POST "
                    + "/api/assets/{assetId}/decommissioning/disposal.",
            (LifecycleState.Retired, LifecycleState.InStock) when sanitisationRecorded =>
                "The asset's data has been sanitised for disposal; it cannot return to stock.",
            _ when LifecycleStateMachine.IsTerminal(from) =>
                $"{from} is a terminal state: nothing changes the asset any more.",
            _ when from == to => $"The asset is already {from}.",
            _ => $"{from} → {to} is not an allowed transition.",
        };
        var targets = allowed.Count == 0 ? "none" : string.Join(", ", allowed);
        return Problem.Conflict($"{reason} Allowed from {from}: {targets}.") with
        {
            Type = "https://itinventory.dev/problems/invalid-transition",
            Title = "The lifecycle transition is not allowed.",
            Errors = new Dictionary<string, string[]> { ["to"] = allowed.Select(s => s.ToString()).ToArray() },
        };
    }

    /// <summary>Approve and reject act on a device waiting for review only.</summary>
    public static Problem? CheckReview(LifecycleState current, string action) =>
        current == LifecycleState.Discovered
            ? null
            : Problem.Conflict($"Only a Discovered asset awaiting review can be {action}; this one is {current}.") with
            {
                Type = "https://itinventory.dev/problems/invalid-transition",
                Title = "The lifecycle transition is not allowed.",
                Errors = new Dictionary<string, string[]>
                {
                    ["to"] = ManualTargets(current, false).Select(s => s.ToString()).ToArray(),
                },
            };

    /// <summary>A sanitisation is recorded for a retired asset, once: again only when the last one failed
    /// verification.</summary>
    public static Problem? CheckSanitisation(LifecycleState current, string? previousResult)
    {
        if (current != LifecycleState.Retired)
        {
            return Problem.Conflict(
                $"Data sanitisation is recorded for a Retired asset; this one is {current}. Retire it first (POST "
                    + "/api/assets/{assetId}/state {\"to\":\"Retired\"})."
            );
        }
        return previousResult == SanitisationPassed
            ? Problem.Conflict(
                "A sanitisation with a passed verification is already recorded; it is final (its certificate has "
                    + "been or is being issued)."
            )
            : null;
    }

    /// <summary>Disposal needs a retired asset whose data sanitisation passed verification, every decommissioning step
    /// done and the certificate issued.</summary>
    public static Problem? CheckDisposal(
        LifecycleState current,
        string? sanitisationResult,
        IReadOnlyList<string> pendingSteps,
        bool certificateIssued
    )
    {
        if (current != LifecycleState.Retired)
        {
            return Problem.Conflict($"Only a Retired asset can be disposed of; this one is {current}.");
        }
        if (sanitisationResult is null)
        {
            return Problem.Conflict(
                "No data sanitisation is recorded: record one first (POST …/decommissioning/sanitisation). "
                    + "Destruction by the recycler is recorded as a sanitisation with method Destroy."
            );
        }
        if (sanitisationResult != SanitisationPassed)
        {
            return Problem.Conflict(
                "The recorded sanitisation failed verification: record a new sanitisation that passes before disposal."
            );
        }
        if (pendingSteps.Count > 0)
        {
            return Problem.Conflict(
                $"Decommissioning step(s) not done yet: {string.Join(", ", pendingSteps)}. Retry them with POST "
                    + "…/decommissioning/steps."
            );
        }
        return certificateIssued
            ? null
            : Problem.Conflict(
                "The sanitisation certificate has not been issued yet; retry with POST …/decommissioning/steps."
            );
    }

    public static Problem? Validate(LifecycleTransitionRequest request, out LifecycleState to)
    {
        var errors = new Errors();
        to = default;
        if (request.To is null)
            errors.Add("to", "Required.");
        else if (!TryParseState(request.To, out to))
            errors.Add("to", $"Must be one of: {string.Join(", ", Enum.GetNames<LifecycleState>())}.");
        errors.Text("reason", request.Reason);
        return errors.Problem("transition");
    }

    public static Problem? Validate(ApproveAssetRequest request, out LifecycleState to)
    {
        var errors = new Errors();
        to = LifecycleState.InStock;
        if (
            request.State is not null
            && !(TryParseState(request.State, out to) && to is LifecycleState.InStock or LifecycleState.Deployed)
        )
        {
            errors.Add("state", "Must be InStock or Deployed.");
        }
        errors.Text("note", request.Note);
        return errors.Problem("approval");
    }

    public static Problem? Validate(RejectAssetRequest request)
    {
        var errors = new Errors();
        errors.Required("reason", request.Reason);
        return errors.Problem("rejection");
    }

    public static Problem? Validate(SanitisationRequest request, DateTimeOffset now)
    {
        var errors = new Errors();
        if (request.Method is null)
            errors.Add("method", "Required.");
        else if (!SanitisationMethods.ContainsKey(request.Method))
            errors.Add("method", "Must be one of the NIST SP 800-88 methods: Clear, Purge, Destroy.");
        errors.Required("tool", request.Tool);
        errors.Text("toolVersion", request.ToolVersion);
        errors.Required("operator", request.Operator);
        errors.Date("performedAt", request.PerformedAt, now);
        errors.Text("notes", request.Notes, MaxNotes);
        if (request.Media is { } media)
        {
            if (media.Count is 0 or > MaxMedia)
                errors.Add("media", $"1 to {MaxMedia} items (omit it to take the disks of the last inventory).");
            for (var i = 0; i < Math.Min(media.Count, MaxMedia); i++)
                errors.Required($"media[{i}]", media[i]);
        }
        if (request.Verification is not { } verification)
        {
            errors.Add("verification", "Required: how the sanitisation was verified, by whom, when, and the result.");
        }
        else
        {
            errors.Required("verification.method", verification.Method);
            if (verification.Result is not (SanitisationPassed or SanitisationFailed))
                errors.Add("verification.result", "Must be Passed or Failed.");
            errors.Required("verification.verifiedBy", verification.VerifiedBy);
            errors.Date("verification.verifiedAt", verification.VerifiedAt, now);
            if (verification.VerifiedAt < request.PerformedAt)
                errors.Add("verification.verifiedAt", "Cannot be before performedAt.");
        }
        return errors.Problem("sanitisation record");
    }

    public static Problem? Validate(DisposalRequest request, DateTimeOffset now)
    {
        var errors = new Errors();
        errors.Required("recycler", request.Recycler);
        errors.Required("recyclerCertification", request.RecyclerCertification);
        errors.Required("weeeReference", request.WeeeReference);
        errors.Date("collectedAt", request.CollectedAt, now);
        errors.Text("notes", request.Notes, MaxNotes);
        return errors.Problem("disposal record");
    }

    /// <summary>Media prefilled from the disks of the last inventory: "name model S/N serial (size GB)".</summary>
    public static IReadOnlyList<string> MediaFromDisks(IReadOnlyList<DiskData>? disks) =>
        (disks ?? [])
            .Select(d =>
                string.Join(
                    " ",
                    new[]
                    {
                        d.Name,
                        d.Model,
                        d.SerialNumber is null ? null : "S/N " + d.SerialNumber,
                        d.SizeGb is { } size
                            ? $"({size.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} GB)"
                            : null,
                    }.Where(p => !string.IsNullOrWhiteSpace(p))
                )
            )
            .Where(m => m.Length > 0)
            .Take(MaxMedia)
            .ToList();

    public const int MaxMedia = 64;
    public const int MaxNotes = 2000;

    /// <summary>State names exactly as the enum spells them (no numbers, no case folding).</summary>
    public static bool TryParseState(string value, out LifecycleState state) =>
        Enum.TryParse(value, ignoreCase: false, out state) && Enum.IsDefined(state) && !int.TryParse(value, out _);

    private sealed class Errors
    {
        private readonly Dictionary<string, string[]> errors = [];

        public void Add(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        public void Text(string field, string? value, int max = CheckinLimits.MaxShortString)
        {
            // Long free text (notes) may have line breaks; short fields may not.
            var text =
                max > CheckinLimits.MaxShortString
                    ? value?.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal)
                    : value;
            if (value is not null && (value.Length > max || ContractFormats.HasControlCharacter(text!)))
            {
                Add(field, $"At most {max} characters, no control characters.");
            }
        }

        public void Required(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
                Add(field, "Required.");
            else
                Text(field, value);
        }

        public void Date(string field, DateTimeOffset? value, DateTimeOffset now)
        {
            if (value is null)
                Add(field, "Required (RFC 3339 date-time).");
            else if (value > now.AddMinutes(5))
                Add(field, "Cannot be in the future.");
        }

        public Problem? Problem(string what) =>
            errors.Count == 0
                ? null
                : Common.Problem.BadRequest($"The {what} has {errors.Count} invalid field(s); see 'errors'.", errors);
    }
}
