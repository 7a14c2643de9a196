using System.Security.Cryptography;
using System.Text.Json;
using ItInventory.Agent.Collectors;
using ItInventory.Agent.Configuration;
using ItInventory.Agent.Credentials;
using ItInventory.Agent.Net;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;
using Microsoft.Extensions.Logging;

namespace ItInventory.Agent.Running;

/// <summary>How a check-in went, and when to try the next one.</summary>
public sealed record CycleResult(bool Succeeded, TimeSpan NextDelay, string Summary, bool SentInventory = false);

/// <summary>
/// One check-in: enroll if there is no credential yet, send a heartbeat, then a full inventory when the server asks
/// for one or the local inventory changed. Failures are counted in the state so that back-off and re-enrollment
/// survive restarts (a service restarted by its manager does not hammer the server).
/// </summary>
public sealed class CheckinCycle(
    AgentOptions options,
    ICredentialStore credentials,
    StateStore stateStore,
    ServerClient client,
    Platform platform,
    TimeProvider clock,
    Random random,
    ILogger logger
)
{
    public const string SchemaVersion = "1.1";

    private static readonly AgentInfo Agent = new() { Name = AgentVersion.Name, Version = AgentVersion.Current };

    private TimeSpan RetryBase => TimeSpan.FromSeconds(Math.Max(1, options.RetryBaseSeconds));

    public async Task<CycleResult> RunAsync(CancellationToken cancellationToken)
    {
        var state = stateStore.Load();
        InventoryData? inventory = null;
        var credential = credentials.Load();
        if (credential is not null && credential.ServerUrl is { } bound && bound != options.ServerUrl!.ToString())
        {
            logger.LogWarning("The credential was issued by {Previous}, not {Server}", bound, options.ServerUrl);
            if (options.EnrollmentSecret is not null)
                credential = null;
        }
        if (credential is null)
        {
            inventory = Collect(cancellationToken);
            var (enrolled, failure) = await EnrollAsync(inventory, state, cancellationToken);
            if (enrolled is null)
                return failure!;
            credential = enrolled;
            state = stateStore.Load();
        }

        // 1. The heartbeat: utilisation, and the server's answer says whether it wants the full inventory.
        var now = clock.GetUtcNow();
        var usage = platform.Usage.Sample(state, now);
        var heartbeat = new CheckinRequest
        {
            SchemaVersion = SchemaVersion,
            Kind = CheckinKinds.Heartbeat,
            DeviceId = credential.DeviceId,
            SentAt = now,
            Agent = Agent,
            Heartbeat = usage.Heartbeat with { InventoryHash = state.ServerInventoryHash },
        };
        var (answer, current, failed) = await CheckinAsync(credential, heartbeat, state, cancellationToken);
        if (answer is null)
            return failed!;
        credential = current;
        state = state with
        {
            LastHeartbeatAt = now,
            Cpu = usage.Cpu,
            LastInteractiveLogonAt = usage.Heartbeat.LastInteractiveLogonAt,
            ServerInventoryHash = answer.InventoryHash ?? state.ServerInventoryHash,
            FullInventoryRequested = answer.FullInventoryRequested,
            NextCheckinSeconds = answer.NextCheckinSeconds,
            ConsecutiveFailures = 0,
            ConsecutiveUnauthorized = 0,
        };
        stateStore.Save(state);

        // 2. The full inventory, when asked for or when it changed (a cheap fingerprint, or a daily re-hash).
        var fingerprint = platform.Fingerprint();
        var due =
            state.FullInventoryRequested
            || state.SentInventoryHash is null
            || fingerprint != state.SoftwareFingerprint
            || state.InventoryCollectedAt is not { } collected
            || now - collected >= TimeSpan.FromSeconds(options.InventoryCheckSeconds);
        if (!due)
        {
            logger.LogInformation("Heartbeat sent; next check-in in {Seconds} s", answer.NextCheckinSeconds);
            return new CycleResult(true, Backoff.Interval(answer.NextCheckinSeconds, random), "heartbeat");
        }
        inventory ??= Collect(cancellationToken);
        var localHash = LocalHash(inventory);
        if (!state.FullInventoryRequested && localHash == state.SentInventoryHash)
        {
            stateStore.Save(state with { SoftwareFingerprint = fingerprint, InventoryCollectedAt = now });
            logger.LogInformation("Heartbeat sent; the inventory is unchanged");
            return new CycleResult(true, Backoff.Interval(answer.NextCheckinSeconds, random), "heartbeat");
        }
        var full = new CheckinRequest
        {
            SchemaVersion = SchemaVersion,
            Kind = CheckinKinds.Inventory,
            DeviceId = credential.DeviceId,
            SentAt = clock.GetUtcNow(),
            Agent = Agent,
            Inventory = inventory,
        };
        var (accepted, _, inventoryFailed) = await CheckinAsync(credential, full, state, cancellationToken);
        if (accepted is null)
            return inventoryFailed!;
        stateStore.Save(
            state with
            {
                SentInventoryHash = localHash,
                ServerInventoryHash = accepted.InventoryHash ?? state.ServerInventoryHash,
                FullInventoryRequested = accepted.FullInventoryRequested,
                SoftwareFingerprint = fingerprint,
                InventoryCollectedAt = now,
            }
        );
        logger.LogInformation(
            "Full inventory sent ({Status}, {Software} packages); next check-in in {Seconds} s",
            accepted.Status,
            inventory.Software?.Count,
            accepted.NextCheckinSeconds
        );
        return new CycleResult(
            true,
            Backoff.Interval(accepted.NextCheckinSeconds, random),
            "inventory " + accepted.Status,
            SentInventory: true
        );
    }

    public InventoryData Collect(CancellationToken cancellationToken)
    {
        var inventory = InventoryComposer.Compose(platform.Collectors, clock.GetUtcNow(), cancellationToken);
        foreach (var diagnostic in inventory.Diagnostics ?? [])
            logger.LogWarning(
                "Section {Section} left out: {Reason}",
                diagnostic.Section,
                diagnostic.Error
            );
        return inventory;
    }

    /// <summary>SHA-256 of the inventory without its collection time and diagnostics: equal means unchanged.</summary>
    public static string LocalHash(InventoryData inventory)
    {
        var canonical = inventory with { CollectedAt = null, Diagnostics = null };
        return Convert.ToHexStringLower(
            SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(canonical, AgentJsonContext.Default.InventoryData))
        );
    }

    private async Task<(DeviceCredential? Credential, CycleResult? Failure)> EnrollAsync(
        InventoryData inventory,
        AgentState state,
        CancellationToken cancellationToken
    )
    {
        if (options.EnrollmentSecret is null)
        {
            logger.LogError(
                "Not enrolled and no enrollment secret configured (config file, "
                    + "ITINVENTORY_AGENT_ENROLLMENT_SECRET or --enrollment-secret)"
            );
            return (null, Failure(state, retryable: false, "no enrollment secret"));
        }
        var hw = inventory.Hardware;
        var request = new EnrollmentRequest
        {
            EnrollmentSecret = options.EnrollmentSecret,
            Hostname = inventory.Hostname,
            SerialNumber = hw?.SerialNumber,
            SmbiosUuid = hw?.SmbiosUuid,
            MacAddresses = hw?.NetworkInterfaces?.Select(n => n.MacAddress).OfType<string>().Distinct().ToList(),
            PlatformIdentities = hw?.PlatformIdentities,
            Manufacturer = hw?.Manufacturer,
            Model = hw?.Model,
            Type = hw?.Type,
            Agent = Agent,
        };
        var answer = await client.EnrollAsync(request, cancellationToken);
        if (answer is not { Kind: AnswerKind.Success, Value: { } enrolled })
        {
            logger.LogError("Enrollment failed ({Status}): {Why}", answer.Status, answer.Why);
            return (
                null,
                Failure(state, answer.Kind == AnswerKind.Retryable, "enrollment " + answer.Status, answer.RetryAfter)
            );
        }
        var credential = new DeviceCredential
        {
            DeviceId = enrolled.DeviceId,
            DeviceSecret = enrolled.DeviceSecret,
            ServerUrl = options.ServerUrl!.ToString(),
        };
        credentials.Save(credential);
        stateStore.Save(
            new AgentState { FullInventoryRequested = true, NextCheckinSeconds = enrolled.NextCheckinSeconds }
        );
        // The enrollment secret is a fleet-wide bootstrap: once this device has its own credential, it goes.
        if (AgentConfiguration.ForgetEnrollmentSecret(options.ConfigFile))
            logger.LogInformation("Removed the enrollment secret from {ConfigFile}", options.ConfigFile);
        logger.LogInformation(
            "Enrolled as {DeviceId} ({Status}); credential stored in {Location}",
            enrolled.DeviceId,
            enrolled.Status,
            credentials.Location
        );
        return (credential, null);
    }

    /// <summary>
    /// Sends a check-in, first with a pending rotated secret if there is one. A rotated secret in an answer is
    /// stored as pending and tried at once; only a successful check-in with it makes it the credential.
    /// </summary>
    private async Task<(CheckinResponse? Answer, DeviceCredential Credential, CycleResult? Failure)> CheckinAsync(
        DeviceCredential credential,
        CheckinRequest request,
        AgentState state,
        CancellationToken cancellationToken
    )
    {
        ServerAnswer<CheckinResponse> answer;
        if (credential.PendingSecret is not null)
        {
            answer = await client.CheckinAsync(request, credential.Authorization(pending: true), cancellationToken);
            if (answer.Kind == AnswerKind.Success)
            {
                credential = Promote(credential);
            }
            else if (answer.Kind == AnswerKind.Unauthorized)
            {
                // The server never took it (or issued another since): forget it, the current secret still works.
                logger.LogWarning("The rotated credential was refused; keeping the current one");
                credential = credential with { PendingSecret = null };
                credentials.Save(credential);
                answer = await client.CheckinAsync(request, credential.Authorization(), cancellationToken);
            }
        }
        else
        {
            answer = await client.CheckinAsync(request, credential.Authorization(), cancellationToken);
        }

        switch (answer.Kind)
        {
            case AnswerKind.Success:
                break;
            case AnswerKind.Unauthorized:
                return (null, credential, await UnauthorizedAsync(state, answer, cancellationToken));
            default:
                logger.LogWarning(
                    "Check-in ({Kind}) failed ({Status}): {Why}",
                    request.Kind,
                    answer.Status,
                    answer.Why
                );
                return (
                    null,
                    credential,
                    Failure(
                        state,
                        answer.Kind == AnswerKind.Retryable,
                        $"{request.Kind} {answer.Status}",
                        answer.RetryAfter
                    )
                );
        }

        var value = answer.Value!;
        if (value.Credential is { } rotated)
        {
            logger.LogInformation("The server rotated the device credential; confirming it");
            credential = credential with { PendingSecret = rotated.DeviceSecret };
            credentials.Save(credential);
            var confirm = request with
            {
                Kind = CheckinKinds.Heartbeat,
                Inventory = null,
                // The interval's interactive minutes were counted by the first answer already.
                Heartbeat = (request.Heartbeat ?? new HeartbeatData()) with
                {
                    InteractiveMinutes = 0,
                },
            };
            var confirmed = await client.CheckinAsync(
                confirm,
                credential.Authorization(pending: true),
                cancellationToken
            );
            if (confirmed.Kind == AnswerKind.Success)
                credential = Promote(credential);
            else if (confirmed.Kind == AnswerKind.Unauthorized)
            {
                credential = credential with { PendingSecret = null };
                credentials.Save(credential);
            }
            // Otherwise (server unreachable) it stays pending and is tried first next time.
        }
        return (value, credential, null);
    }

    private DeviceCredential Promote(DeviceCredential credential)
    {
        var promoted = credential with { DeviceSecret = credential.PendingSecret!, PendingSecret = null };
        credentials.Save(promoted);
        logger.LogInformation("Switched to the rotated device credential");
        return promoted;
    }

    private async Task<CycleResult> UnauthorizedAsync(
        AgentState state,
        ServerAnswer<CheckinResponse> answer,
        CancellationToken cancellationToken
    )
    {
        var count = state.ConsecutiveUnauthorized + 1;
        logger.LogError("The server refused the device credential ({Count} in a row): {Why}", count, answer.Why);
        if (options.ReEnrollAfterUnauthorized > 0 && count >= options.ReEnrollAfterUnauthorized)
        {
            if (options.EnrollmentSecret is null)
            {
                logger.LogError(
                    "Re-enrollment is configured but no enrollment secret is; an administrator must provide one"
                );
            }
            else
            {
                logger.LogWarning("Enrolling again after {Count} refusals", count);
                credentials.Delete();
                stateStore.Save(new AgentState());
                return await RunAsync(cancellationToken);
            }
        }
        var next = state with { ConsecutiveUnauthorized = count, ConsecutiveFailures = state.ConsecutiveFailures + 1 };
        stateStore.Save(next);
        return new CycleResult(false, Backoff.Delay(next.ConsecutiveFailures, null, random, RetryBase), "unauthorized");
    }

    private CycleResult Failure(AgentState state, bool retryable, string summary, TimeSpan? retryAfter = null)
    {
        var next = state with { ConsecutiveFailures = state.ConsecutiveFailures + 1 };
        stateStore.Save(next);
        var delay = retryable
            ? Backoff.Delay(next.ConsecutiveFailures, retryAfter, random, RetryBase)
            : Backoff.Interval(
                state.NextCheckinSeconds > 0 ? state.NextCheckinSeconds : options.DefaultIntervalSeconds,
                random
            );
        return new CycleResult(false, delay, summary);
    }
}
