using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItInventory.Functions.Reports.Mail;

/// <summary>How the finance email leaves the app.</summary>
public enum MailTransportKind
{
    /// <summary>No mail: the report is still written; the log says mail is off.</summary>
    None,

    /// <summary>SMTP through MailKit (<see cref="SmtpOptions"/>).</summary>
    Smtp,

    /// <summary>Microsoft Graph <c>sendMail</c> with the app's managed identity (Microsoft 365 tenants where SMTP
    /// AUTH is switched off).</summary>
    Graph,
}

/// <summary>The monthly finance email (section <c>FinanceMail</c>, docs/reports.md "The finance email").</summary>
public sealed class FinanceMailOptions
{
    public const string SectionName = "FinanceMail";

    /// <summary>The period placeholder of <see cref="Subject"/>.</summary>
    public const string PeriodPlaceholder = "{period}";

    /// <summary><c>None</c> (default), <c>Smtp</c> or <c>Graph</c>.</summary>
    public MailTransportKind Transport { get; set; } = MailTransportKind.None;

    /// <summary>Who receives the summary: addresses separated by commas or semicolons.</summary>
    public string? Recipients { get; set; }

    /// <summary>The sender address (for Graph: the mailbox the app sends as, <c>/users/{sender}/sendMail</c>).
    /// </summary>
    public string? Sender { get; set; }

    /// <summary>The subject; <c>{period}</c> becomes the month (<c>yyyy-MM</c>).</summary>
    [Required, StringLength(200, MinimumLength = 1)]
    public string Subject { get; set; } = "IT inventory finance summary {period}";

    /// <summary>Attempts per send before it gives up (and raises a <c>report-delivery-failed</c> finding).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait after the first failed attempt; it doubles after each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take (connect, authenticate, transfer) before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a claim stays "sending" without being renewed; after that another run may take it over
    /// (a sender that crashed). Renewed before every attempt, so it must exceed one attempt plus one wait.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "02:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The Graph endpoint's base (tests point it at a local HTTP listener).</summary>
    [Required, Url]
    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The token scope asked of the managed identity for Graph.</summary>
    [Required]
    public string GraphScope { get; set; } = "https://graph.microsoft.com/.default";

    /// <summary>Client id of the user-assigned identity Graph tokens are asked for; empty: the storage connection's
    /// (<c>AzureWebJobsStorage__clientId</c>), else the default Azure credential.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public IReadOnlyList<string> RecipientList =>
        (Recipients ?? "")
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();

    public string SubjectFor(string period) => Subject.Replace(PeriodPlaceholder, period, StringComparison.Ordinal);
}

/// <summary>Security of the SMTP connection.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text (a relay on a private network, or a local test server).</summary>
    None,

    /// <summary>Plain connect, then STARTTLS (required; port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>The SMTP server (section <c>Smtp</c>); used when <see cref="FinanceMailOptions.Transport"/> is
/// <c>Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>User name; empty: no authentication.</summary>
    public string? Username { get; set; }

    /// <summary>The password: in Azure a Key Vault reference (<c>@Microsoft.KeyVault(SecretUri=…)</c>) that the
    /// platform resolves before the app reads it.</summary>
    public string? Password { get; set; }
}

/// <summary>What data annotations cannot say: a transport needs its sender, recipients and (SMTP) host.</summary>
public sealed class FinanceMailOptionsValidator(IOptions<SmtpOptions> smtp) : IValidateOptions<FinanceMailOptions>
{
    public ValidateOptionsResult Validate(string? name, FinanceMailOptions options)
    {
        if (options.Transport == MailTransportKind.None)
            return ValidateOptionsResult.Success;
        var errors = new List<string>();
        var prefix = FinanceMailOptions.SectionName + ":";
        if (!IsAddress(options.Sender))
            errors.Add($"{prefix}Sender must be an e-mail address when {prefix}Transport is {options.Transport}.");
        var recipients = options.RecipientList;
        if (recipients.Count == 0)
            errors.Add($"{prefix}Recipients must name at least one address when mail is on.");
        foreach (var bad in recipients.Where(r => !IsAddress(r)))
            errors.Add($"{prefix}Recipients: '{bad}' is not an e-mail address.");
        if (options.ClaimLease <= options.SendTimeout + options.MaxRetryDelay)
            errors.Add($"{prefix}ClaimLease must exceed SendTimeout + MaxRetryDelay (one attempt and one wait).");
        if (options.Transport == MailTransportKind.Smtp && string.IsNullOrWhiteSpace(smtp.Value.Host))
            errors.Add($"{SmtpOptions.SectionName}:Host is required when {prefix}Transport is Smtp.");
        // The platform replaces a Key Vault reference with the secret; the reference itself means it could not.
        if (
            options.Transport == MailTransportKind.Smtp
            && smtp.Value.Password?.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true
        )
        {
            errors.Add(
                $"{SmtpOptions.SectionName}:Password is an unresolved Key Vault reference: the app's identity "
                    + "cannot read the secret (docs/deploy.md)."
            );
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsAddress(string? value) =>
        value is { Length: > 0 }
        && MailboxAddress.TryParse(value, out var address)
        && address.Address.Contains('@', StringComparison.Ordinal)
        && address.Name is null or "";
}
