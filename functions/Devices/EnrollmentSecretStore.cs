using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Devices;

/// <summary>An enrollment secret as stored: only its hash, its expiry and the defaults it gives enrolled assets.</summary>
public sealed class EnrollmentSecretEntity : ITableEntity
{
    public string PartitionKey { get; set; } = TableKeys.EnrollmentSecretPartition;
    /// <summary>SHA-256 of the secret (hex).</summary>
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string? Label { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public bool Revoked { get; set; }
    public string? DefaultDepartment { get; set; }
}

/// <summary>What a valid enrollment secret grants.</summary>
public sealed record EnrollmentGrant(string Source, string? DefaultDepartment);

/// <summary>Checks enrollment secrets: the configured bootstrap secret, or one created through the API (stored hashed).</summary>
public sealed class EnrollmentSecretStore(InventoryStore store, IOptions<EnrollmentOptions> options, TimeProvider clock)
{
    private readonly byte[]? configuredHash = options.Value.Secret is { Length: > 0 } secret
        ? SHA256.HashData(Encoding.UTF8.GetBytes(secret))
        : null;

    public async Task<EnrollmentGrant?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (configuredHash is not null && CryptographicOperations.FixedTimeEquals(presentedHash, configuredHash))
        {
            return new EnrollmentGrant("configuration", null);
        }

        var row = await store.EnrollmentSecrets.GetEntityIfExistsAsync<EnrollmentSecretEntity>(
            TableKeys.EnrollmentSecretPartition, Convert.ToHexStringLower(presentedHash), cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity || entity.Revoked || entity.ExpiresAt <= clock.GetUtcNow())
        {
            return null;
        }
        return new EnrollmentGrant(entity.Label ?? "api", entity.DefaultDepartment);
    }

    /// <summary>Creates a secret and returns it in clear text: the only time it is ever seen.</summary>
    public async Task<string> CreateAsync(string? label, DateTimeOffset? expiresAt, string? defaultDepartment, CancellationToken cancellationToken)
    {
        var secret = DeviceSecrets.NewSecret();
        await store.EnrollmentSecrets.AddEntityAsync(new EnrollmentSecretEntity
        {
            RowKey = DeviceSecrets.Hash(secret),
            Label = label,
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
            DefaultDepartment = defaultDepartment,
        }, cancellationToken);
        return secret;
    }
}
