using ItInventory.Functions.Common;
using ItInventory.Functions.Reports.Mail;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>The finance email's settings in Azure (docs/reports.md, docs/deploy.md): always present, SMTP's password
/// only as a Key Vault reference, every name one the app binds.</summary>
[Collection(InfraCollection.Name)]
public sealed class FinanceMailInfraTests(InfraFixture infra)
{
    [Fact]
    public void With_an_smtp_host_and_recipients_the_finance_email_goes_through_smtp_with_a_key_vault_password()
    {
        var settings = infra.Full.AppSettings;

        Assert.Equal("Smtp", settings[AppSettingNames.FinanceMailTransport]);
        Assert.Equal("finance@example.org, controller@example.org", settings[AppSettingNames.FinanceMailRecipients]);
        Assert.Equal("inventory@example.org", settings[AppSettingNames.FinanceMailSender]);
        Assert.Contains("{period}", settings[AppSettingNames.FinanceMailSubject], StringComparison.Ordinal);
        Assert.Equal(
            $"[{infra.Full.IdentityClientIdReference}]",
            settings[$"{FinanceMailOptions.SectionName}__{nameof(FinanceMailOptions.ManagedIdentityClientId)}"]
        );
        Assert.Equal("smtp.example.org", settings["Smtp__Host"]);
        Assert.Equal("587", settings["Smtp__Port"]);
        Assert.Equal("StartTls", settings["Smtp__Security"]);
        Assert.StartsWith(
            "[format('@Microsoft.KeyVault(SecretUri=",
            settings["Smtp__Password"],
            StringComparison.Ordinal
        );
        Assert.Contains("smtp-password", settings["Smtp__Password"], StringComparison.Ordinal);
        Assert.Contains("smtp-password", infra.Full.ChildNames("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public void Without_smtp_or_recipients_mail_is_off_and_no_smtp_setting_exists()
    {
        var settings = infra.Vnet.AppSettings;

        Assert.Equal("None", settings[AppSettingNames.FinanceMailTransport]);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Smtp__", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_mail_setting_in_azure_is_a_property_the_app_binds()
    {
        foreach (
            var (section, type) in new[]
            {
                (FinanceMailOptions.SectionName, typeof(FinanceMailOptions)),
                (SmtpOptions.SectionName, typeof(SmtpOptions)),
            }
        )
        {
            var properties = type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet();
            var keys = infra.Full.AppSettings.Keys.Where(k => k.StartsWith(section + "__", StringComparison.Ordinal));
            Assert.NotEmpty(keys);
            Assert.All(keys, key => Assert.Contains(key[(section.Length + 2)..], properties));
        }
    }

    [Fact]
    public void The_send_claims_table_is_provisioned()
    {
        Assert.Contains("mailsends", infra.Full.ChildNames("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.Equal("mailsends", infra.Full.AppSettings["Storage__MailSendsTable"]);
    }
}
