using System.Net.Http.Headers;
using System.Text.Json;
using ItInventory.Functions.Reports.Mail;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Reports.Mail;

/// <summary>The claim and back-off rules and the settings' validation, without storage or servers.</summary>
public sealed class FinanceMailRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 5, 0, 0, TimeSpan.Zero);

    private static MailSendEntity Claim(MailSendStatus status, DateTimeOffset? leaseUntil = null) =>
        new() { Status = status.ToString(), LeaseUntil = leaseUntil };

    [Fact]
    public void A_period_is_claimed_when_unclaimed_failed_or_abandoned_and_never_while_a_live_claim_holds()
    {
        Assert.Equal(ClaimDecision.Claim, MailClaimRules.Decide(null, Now, resend: false));
        Assert.Equal(ClaimDecision.Claim, MailClaimRules.Decide(Claim(MailSendStatus.Failed), Now, false));
        Assert.Equal(
            ClaimDecision.Claim,
            MailClaimRules.Decide(Claim(MailSendStatus.Sending, Now.AddSeconds(-1)), Now, false)
        );
        Assert.Equal(
            ClaimDecision.InProgress,
            MailClaimRules.Decide(Claim(MailSendStatus.Sending, Now.AddMinutes(1)), Now, false)
        );
        Assert.Equal(
            ClaimDecision.InProgress,
            MailClaimRules.Decide(Claim(MailSendStatus.Sending, Now.AddMinutes(1)), Now, resend: true)
        );
    }

    [Fact]
    public void A_sent_period_is_sent_again_only_by_a_resend()
    {
        Assert.Equal(ClaimDecision.AlreadySent, MailClaimRules.Decide(Claim(MailSendStatus.Sent), Now, false));
        Assert.Equal(ClaimDecision.Claim, MailClaimRules.Decide(Claim(MailSendStatus.Sent), Now, resend: true));
    }

    [Fact]
    public void The_wait_between_attempts_doubles_up_to_its_cap()
    {
        var options = new FinanceMailOptions
        {
            RetryDelay = TimeSpan.FromSeconds(30),
            MaxRetryDelay = TimeSpan.FromMinutes(2),
        };

        var waits = Enumerable.Range(1, 5).Select(n => MailClaimRules.RetryDelay(n, options).TotalSeconds);

        Assert.Equal([30, 60, 120, 120, 120], waits);
    }

    [Fact]
    public void A_retry_after_from_the_server_sets_the_wait_capped_by_the_longest_wait()
    {
        var options = new FinanceMailOptions
        {
            RetryDelay = TimeSpan.FromSeconds(30),
            MaxRetryDelay = TimeSpan.FromMinutes(2),
        };

        Assert.Equal(TimeSpan.FromSeconds(7), MailClaimRules.RetryDelay(1, options, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromMinutes(2), MailClaimRules.RetryDelay(1, options, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.Zero, MailClaimRules.RetryDelay(3, options, TimeSpan.Zero));
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_a_date_from_now()
    {
        var now = new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero);

        Assert.Equal(
            TimeSpan.FromSeconds(7),
            GraphMailTransport.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now)
        );
        Assert.Equal(
            TimeSpan.FromSeconds(90),
            GraphMailTransport.RetryAfter(new RetryConditionHeaderValue(now.AddSeconds(90)), now)
        );
        Assert.Equal(TimeSpan.Zero, GraphMailTransport.RetryAfter(new RetryConditionHeaderValue(now.AddDays(-1)), now));
        Assert.Null(GraphMailTransport.RetryAfter(null, now));
    }

    [Fact]
    public void A_graph_upload_session_names_the_attachment_its_size_and_inline_content_id()
    {
        var part = new MailPart("chart.png", "image/png", new byte[5], "chart@itinventory");

        using var body = JsonDocument.Parse(GraphMailTransport.UploadSessionBody(part));

        var item = body.RootElement.GetProperty("AttachmentItem");
        Assert.Equal(
            ("file", "chart.png", 5, "image/png", true, "chart@itinventory"),
            (
                item.GetProperty("attachmentType").GetString(),
                item.GetProperty("name").GetString(),
                item.GetProperty("size").GetInt32(),
                item.GetProperty("contentType").GetString(),
                item.GetProperty("isInline").GetBoolean(),
                item.GetProperty("contentId").GetString()
            )
        );
    }

    private static ValidateOptionsResult Validate(FinanceMailOptions options, string? smtpHost = "smtp.example.org") =>
        new FinanceMailOptionsValidator(Options.Create(new SmtpOptions { Host = smtpHost })).Validate(null, options);

    [Fact]
    public void Mail_off_needs_nothing_else()
    {
        Assert.True(Validate(new FinanceMailOptions(), smtpHost: null).Succeeded);
    }

    [Theory]
    [InlineData("Smtp", "a@example.org", "b@example.org", "smtp.example.org", null)]
    [InlineData("Graph", "a@example.org", "b@example.org, c@example.org", null, null)]
    [InlineData("Smtp", "a@example.org", "b@example.org", null, "Smtp:Host")]
    [InlineData("Graph", "", "b@example.org", null, "FinanceMail:Sender")]
    [InlineData("Graph", "a@example.org", "", null, "FinanceMail:Recipients")]
    [InlineData("Smtp", "a@example.org", "b@example.org; not-an-address", "smtp.example.org", "not-an-address")]
    public void A_transport_needs_a_sender_recipients_and_for_smtp_a_host(
        string transport,
        string sender,
        string recipients,
        string? host,
        string? error
    )
    {
        var result = Validate(
            new FinanceMailOptions
            {
                Transport = Enum.Parse<MailTransportKind>(transport),
                Sender = sender,
                Recipients = recipients,
            },
            host
        );

        if (error is null)
            Assert.True(result.Succeeded, result.FailureMessage);
        else
            Assert.Contains(error, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unresolved_key_vault_reference_as_smtp_password_is_refused()
    {
        var result = new FinanceMailOptionsValidator(
            Options.Create(
                new SmtpOptions
                {
                    Host = "smtp.example.org",
                    Password = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/smtp-password)",
                }
            )
        ).Validate(
            null,
            new FinanceMailOptions
            {
                Transport = MailTransportKind.Smtp,
                Sender = "a@example.org",
                Recipients = "b@example.org",
            }
        );

        Assert.Contains("Smtp:Password", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_claim_lease_must_outlast_one_attempt_and_one_wait()
    {
        var result = Validate(
            new FinanceMailOptions
            {
                Transport = MailTransportKind.Smtp,
                Sender = "a@example.org",
                Recipients = "b@example.org",
                ClaimLease = TimeSpan.FromMinutes(5),
                SendTimeout = TimeSpan.FromMinutes(1),
                MaxRetryDelay = TimeSpan.FromMinutes(5),
            }
        );

        Assert.Contains("ClaimLease", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_subject_names_the_period()
    {
        Assert.Equal("IT inventory finance summary 2026-11", new FinanceMailOptions().SubjectFor("2026-11"));
    }
}
