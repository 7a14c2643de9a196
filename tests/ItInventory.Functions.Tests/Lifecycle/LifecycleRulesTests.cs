using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Lifecycle;

namespace ItInventory.Functions.Tests.Lifecycle;

/// <summary>The pure rules: transitions, decommissioning preconditions, input validation, certificate
/// rendering.</summary>
public sealed partial class LifecycleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(LifecycleState.InStock, LifecycleState.Deployed)]
    [InlineData(LifecycleState.Deployed, LifecycleState.Retired)]
    [InlineData(LifecycleState.Idle, LifecycleState.InRepair)]
    [InlineData(LifecycleState.Retired, LifecycleState.InStock)]
    [InlineData(LifecycleState.Ordered, LifecycleState.InStock)]
    public void Allowed_manual_transitions_pass(LifecycleState from, LifecycleState to) =>
        Assert.Null(LifecycleRules.CheckTransition(from, to, sanitisationRecorded: false));

    [Theory]
    [InlineData(LifecycleState.Deployed, LifecycleState.Disposed, "InStock, InRepair, Idle, Retired")]
    [InlineData(LifecycleState.InStock, LifecycleState.Ordered, "Deployed, InRepair, Retired")]
    [InlineData(LifecycleState.Disposed, LifecycleState.InStock, "none")]
    [InlineData(LifecycleState.Rejected, LifecycleState.InStock, "none")]
    public void Refused_transition_is_409_naming_the_allowed_targets(
        LifecycleState from,
        LifecycleState to,
        string allowed
    )
    {
        var problem = LifecycleRules.CheckTransition(from, to, sanitisationRecorded: false);

        Assert.NotNull(problem);
        Assert.Equal(409, problem.Status);
        Assert.EndsWith($"Allowed from {from}: {allowed}.", problem.Detail);
        Assert.Equal(allowed == "none" ? [] : allowed.Split(", "), problem.Errors!["to"]);
    }

    [Fact]
    public void Review_states_and_disposal_have_their_own_endpoints()
    {
        Assert.Contains(
            "/approve",
            LifecycleRules.CheckTransition(LifecycleState.Discovered, LifecycleState.InStock, false)!.Detail
        );
        Assert.Contains(
            "/reject",
            LifecycleRules.CheckTransition(LifecycleState.Deployed, LifecycleState.Rejected, false)!.Detail
        );
        Assert.Contains(
            "decommissioning/disposal",
            LifecycleRules.CheckTransition(LifecycleState.Retired, LifecycleState.Disposed, false)!.Detail
        );
        Assert.Empty(LifecycleRules.ManualTargets(LifecycleState.Discovered, false));
    }

    [Fact]
    public void A_sanitised_retired_asset_cannot_return_to_stock()
    {
        var problem = LifecycleRules.CheckTransition(
            LifecycleState.Retired,
            LifecycleState.InStock,
            sanitisationRecorded: true
        );

        Assert.Equal(409, problem!.Status);
        Assert.Contains("sanitised", problem.Detail);
        Assert.Empty(LifecycleRules.ManualTargets(LifecycleState.Retired, sanitisationRecorded: true));
    }

    [Fact]
    public void Every_manual_target_is_a_transition_of_the_state_machine()
    {
        foreach (var from in Enum.GetValues<LifecycleState>())
        {
            foreach (var to in LifecycleRules.ManualTargets(from, false))
                Assert.True(LifecycleStateMachine.CanMove(from, to), $"{from} → {to}");
        }
    }

    [Fact]
    public void Review_acts_only_on_discovered_assets()
    {
        Assert.Null(LifecycleRules.CheckReview(LifecycleState.Discovered, "approved"));
        Assert.Equal(409, LifecycleRules.CheckReview(LifecycleState.InStock, "approved")!.Status);
    }

    [Fact]
    public void Sanitisation_needs_a_retired_asset_and_is_repeated_only_after_a_failed_verification()
    {
        Assert.Equal(409, LifecycleRules.CheckSanitisation(LifecycleState.Deployed, null)!.Status);
        Assert.Null(LifecycleRules.CheckSanitisation(LifecycleState.Retired, null));
        Assert.Null(LifecycleRules.CheckSanitisation(LifecycleState.Retired, LifecycleRules.SanitisationFailed));
        Assert.Equal(
            409,
            LifecycleRules.CheckSanitisation(LifecycleState.Retired, LifecycleRules.SanitisationPassed)!.Status
        );
    }

    [Fact]
    public void Disposal_needs_a_passed_sanitisation_every_step_and_the_certificate()
    {
        Assert.Contains("Retired", LifecycleRules.CheckDisposal(LifecycleState.Deployed, "Passed", [], true)!.Detail);
        Assert.Contains(
            "No data sanitisation",
            LifecycleRules.CheckDisposal(LifecycleState.Retired, null, [], false)!.Detail
        );
        Assert.Contains(
            "failed verification",
            LifecycleRules.CheckDisposal(LifecycleState.Retired, "Failed", [], false)!.Detail
        );
        Assert.Contains(
            "licence-reclamation",
            LifecycleRules.CheckDisposal(LifecycleState.Retired, "Passed", ["licence-reclamation"], false)!.Detail
        );
        Assert.Contains(
            "certificate",
            LifecycleRules.CheckDisposal(LifecycleState.Retired, "Passed", [], false)!.Detail
        );
        Assert.Null(LifecycleRules.CheckDisposal(LifecycleState.Retired, "Passed", [], true));
    }

    [Fact]
    public void Invalid_sanitisation_input_names_every_field()
    {
        var problem = LifecycleRules.Validate(
            new SanitisationRequest
            {
                Method = "Wipe",
                Operator = "a\u0007b",
                PerformedAt = Now.AddDays(1),
                Media = [],
                Verification = new SanitisationVerification { Result = "OK", VerifiedAt = Now.AddDays(-1) },
            },
            Now
        );

        Assert.Equal(400, problem!.Status);
        Assert.Equal(
            [
                "media",
                "method",
                "operator",
                "performedAt",
                "tool",
                "verification.method",
                "verification.result",
                "verification.verifiedAt",
                "verification.verifiedBy",
            ],
            problem.Errors!.Keys.Order(StringComparer.Ordinal)
        );
        Assert.Contains("verification", LifecycleRules.Validate(new SanitisationRequest(), Now)!.Errors!.Keys);
    }

    [Fact]
    public void Transition_and_approval_input_must_name_real_states()
    {
        Assert.Contains(
            "to",
            LifecycleRules.Validate(new LifecycleTransitionRequest { To = "retired" }, out _)!.Errors!.Keys
        );
        Assert.Contains(
            "to",
            LifecycleRules.Validate(new LifecycleTransitionRequest { To = "6" }, out _)!.Errors!.Keys
        );
        Assert.Contains("to", LifecycleRules.Validate(new LifecycleTransitionRequest(), out _)!.Errors!.Keys);
        Assert.Null(LifecycleRules.Validate(new LifecycleTransitionRequest { To = "Retired" }, out var to));
        Assert.Equal(LifecycleState.Retired, to);
        Assert.Contains(
            "state",
            LifecycleRules.Validate(new ApproveAssetRequest { State = "Retired" }, out _)!.Errors!.Keys
        );
        Assert.Null(LifecycleRules.Validate(new ApproveAssetRequest(), out var approved));
        Assert.Equal(LifecycleState.InStock, approved);
        Assert.Contains("reason", LifecycleRules.Validate(new RejectAssetRequest { Reason = " " })!.Errors!.Keys);
        Assert.Contains(
            "collectedAt",
            LifecycleRules
                .Validate(
                    new DisposalRequest
                    {
                        Recycler = "r",
                        RecyclerCertification = "R2v3",
                        WeeeReference = "w",
                    },
                    Now
                )!
                .Errors!.Keys
        );
    }

    [Fact]
    public void Media_are_prefilled_from_the_disks_of_the_last_inventory()
    {
        var media = LifecycleRules.MediaFromDisks([
            new DiskData
            {
                Name = "nvme0n1",
                Model = "SAMSUNG MZVL2512HCJQ",
                SerialNumber = "S64K",
                SizeGb = 512,
            },
            new DiskData(),
        ]);

        Assert.Equal(["nvme0n1 SAMSUNG MZVL2512HCJQ S/N S64K (512 GB)"], media);
    }

    private static CertificateRecord Record(string operatorName = "Jo Tech") =>
        new()
        {
            CertificateId = "0190f0f0aaaabbbbccccddddeeeeffff",
            Standard = SanitisationCertificate.Standard,
            IssuedAt = Now,
            Issuer = "ItInventory",
            IssuedBy = "admin@contoso.test (a0000000-0000-4000-8000-000000000001)",
            Asset = new CertificateAsset(
                "0123456789abcdef0123456789abcdef",
                "ITI-000042",
                "LENOVO",
                "ThinkPad T14 Gen 4",
                "PF3ABC12",
                "Laptop",
                "ws-0001"
            ),
            Sanitisation = new SanitisationView
            {
                RecordId = "0190f0f0aaaabbbbccccddddeeeeffff",
                Attempt = 1,
                Method = "Purge",
                Tool = "Blancco Drive Eraser",
                ToolVersion = "7.9",
                Operator = operatorName,
                PerformedAt = Now.AddDays(-1),
                Media = ["nvme0n1 SAMSUNG S/N S64K"],
                Verification = new SanitisationVerification
                {
                    Method = "Read-back",
                    Result = "Passed",
                    VerifiedBy = "Sam",
                    VerifiedAt = Now.AddHours(-20),
                },
                RecordedAt = Now,
                RecordedBy = "admin@contoso.test",
            },
            Steps = [new DecommissioningStepResult("licence-reclamation", "Released 3 licence seats", 3)],
        };

    [Fact]
    public void Certificate_html_encodes_every_value()
    {
        var html = Encoding.UTF8.GetString(SanitisationCertificate.Render(Record("<script>alert(1)</script> & co")));

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", html);
        Assert.StartsWith("<!DOCTYPE html>", html);
    }

    [Fact]
    public void Certificate_states_what_was_done_and_carries_the_sha256_of_its_embedded_canonical_record()
    {
        var record = Record();
        var html = Encoding.UTF8.GetString(SanitisationCertificate.Render(record));

        foreach (
            var expected in new[]
            {
                "NIST SP 800-88 Rev. 1",
                "ITI-000042",
                "PF3ABC12",
                "ThinkPad T14 Gen 4",
                "LENOVO",
                "Purge",
                "cryptographic erase",
                "Blancco Drive Eraser 7.9",
                "Jo Tech",
                "Passed",
                "Sam",
                "licence-reclamation",
                "Released 3 licence seats",
                "ItInventory",
                record.CertificateId,
            }
        )
        {
            Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(expected), html);
        }
        var sha = SanitisationCertificate.Sha256(record);
        Assert.Contains(sha, html);
        // A reader can re-hash the embedded record: decode the <pre> block and hash its UTF-8 bytes.
        var embedded = System.Net.WebUtility.HtmlDecode(CanonicalBlock().Match(html).Groups[1].Value);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(embedded))));
        // Same record, same bytes; any change of content, another hash.
        Assert.Equal(SanitisationCertificate.Render(record), SanitisationCertificate.Render(Record()));
        Assert.NotEqual(
            sha,
            SanitisationCertificate.Sha256(record with { Sanitisation = record.Sanitisation with { Method = "Clear" } })
        );
    }

    [GeneratedRegex("<pre id=\"canonical-record\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex CanonicalBlock();
}
