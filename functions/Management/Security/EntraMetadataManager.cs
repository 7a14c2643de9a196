using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ItInventory.Functions.Management.Security;

/// <summary>
/// Entra ID's OpenID metadata (discovery document and signing keys) for the JWT bearer handler, fetched so that an
/// identity provider that accepts connections but never answers cannot hold the worker:
/// <list type="bullet">
/// <item>one fetch at a time (concurrent requests share it), bounded as a whole by
/// <see cref="ManagementSecurityOptions.MetadataTimeoutSeconds"/>;</item>
/// <item>once fetched, the configuration is kept: later refreshes run in the background and a failed one leaves the
/// cached keys in use, so an outage does not stop validation;</item>
/// <item>while no configuration was ever fetched, a failure is remembered for
/// <see cref="ManagementSecurityOptions.MetadataRetrySeconds"/>: requests meanwhile fail at once
/// (<see cref="EntraMetadataUnavailableException"/>, answered 503) instead of each waiting for a timeout.</item>
/// </list>
/// The stock <c>ConfigurationManager</c> lets each waiting request fetch again in turn, each for up to the
/// backchannel timeout, and its document retriever ignores cancellation: that is the pile-up this class replaces.
/// </summary>
public sealed class EntraMetadataManager : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    /// <summary>The named <see cref="HttpClient"/> for metadata (also given to Microsoft.Identity.Web's issuer
    /// validator).</summary>
    public const string HttpClientName = "EntraMetadata";

    private readonly Lock gate = new();
    private readonly IDocumentRetriever retriever;
    private readonly TimeSpan timeout;
    private readonly TimeSpan retryDelay;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    private OpenIdConnectConfiguration? current;
    private Task<OpenIdConnectConfiguration?>? fetch;
    private DateTimeOffset refreshDue;
    private DateTimeOffset lastAttempt = DateTimeOffset.MinValue;
    private DateTimeOffset retryNotBefore = DateTimeOffset.MinValue;
    private bool refreshRequested;
    private Exception? lastFailure;

    public EntraMetadataManager(
        string metadataAddress,
        IHttpClientFactory httpClients,
        bool requireHttps,
        ManagementSecurityOptions options,
        TimeProvider time,
        ILogger logger
    )
    {
        MetadataAddress = metadataAddress;
        retriever = new BoundedDocumentRetriever(httpClients, requireHttps);
        timeout = TimeSpan.FromSeconds(options.MetadataTimeoutSeconds);
        retryDelay = TimeSpan.FromSeconds(options.MetadataRetrySeconds);
        AutomaticRefreshInterval = TimeSpan.FromMinutes(options.MetadataRefreshMinutes);
        // A token signed with a key we do not know asks for a refresh; at most this often, so forged tokens cannot
        // make us hammer the identity provider.
        RefreshInterval = DefaultRefreshInterval;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The configuration in use, if one was ever fetched (no I/O).</summary>
    public OpenIdConnectConfiguration? Cached
    {
        get
        {
            lock (gate)
                return current;
        }
    }

    /// <summary>
    /// The cached configuration at once (starting a background refresh when one is due); without one, the result of
    /// the fetch in flight or of a new one. Throws <see cref="EntraMetadataUnavailableException"/> when there is no
    /// configuration to be had; <paramref name="cancel"/> only stops this caller's wait, never the shared fetch.
    /// </summary>
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        Task<OpenIdConnectConfiguration?> pending;
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (current is not null)
            {
                if (fetch is null && now >= retryNotBefore && (refreshRequested || now >= refreshDue))
                {
                    StartFetch(now);
                }
                return current;
            }
            if (fetch is null)
            {
                if (now < retryNotBefore)
                {
                    throw Unavailable(retryNotBefore - now);
                }
                StartFetch(now);
            }
            pending = fetch!;
        }
        return await pending.WaitAsync(cancel).ConfigureAwait(false) ?? throw Unavailable(retryDelay);
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        await GetConfigurationAsync(cancel).ConfigureAwait(false);

    /// <summary>Asks for a background refresh (e.g. a token names a key we do not have), at most once per
    /// <see cref="BaseConfigurationManager.RefreshInterval"/>.</summary>
    public override void RequestRefresh()
    {
        lock (gate)
        {
            if (time.GetUtcNow() >= lastAttempt + RefreshInterval)
            {
                refreshRequested = true;
            }
        }
    }

    private EntraMetadataUnavailableException Unavailable(TimeSpan retryAfter) =>
        new(
            $"Entra ID metadata ({MetadataAddress}) could not be fetched; no signing keys are cached.",
            retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter,
            lastFailure
        );

    /// <summary>Starts the one fetch; called under the lock, so <see cref="fetch"/> is set before the fetch can end.
    /// </summary>
    private void StartFetch(DateTimeOffset now)
    {
        lastAttempt = now;
        refreshRequested = false;
        var completion = new TaskCompletionSource<OpenIdConnectConfiguration?>(
            TaskCreationOptions.RunContinuationsAsynchronously
        );
        fetch = completion.Task;
        _ = Task.Run(() => FetchAsync(completion));
    }

    private async Task FetchAsync(TaskCompletionSource<OpenIdConnectConfiguration?> completion)
    {
        OpenIdConnectConfiguration? fetched = null;
        try
        {
            // The whole fetch (discovery document, then keys) shares one deadline.
            using var deadline = new CancellationTokenSource(timeout);
            fetched = await OpenIdConnectConfigurationRetriever
                .GetAsync(MetadataAddress, retriever, deadline.Token)
                .ConfigureAwait(false);
            if (fetched.SigningKeys.Count == 0)
            {
                throw new InvalidOperationException($"The metadata at {MetadataAddress} lists no signing keys.");
            }
        }
        catch (Exception ex)
        {
            fetched = null;
            Failed(ex);
        }
        if (fetched is not null)
        {
            Succeeded(fetched);
        }
        completion.SetResult(fetched);
    }

    private void Succeeded(OpenIdConnectConfiguration configuration)
    {
        lock (gate)
        {
            current = configuration;
            refreshDue = time.GetUtcNow() + AutomaticRefreshInterval;
            retryNotBefore = DateTimeOffset.MinValue;
            lastFailure = null;
            fetch = null;
        }
        logger.LogInformation(
            "Fetched Entra ID metadata from {MetadataAddress}: {KeyCount} signing keys",
            MetadataAddress,
            configuration.SigningKeys.Count
        );
    }

    private void Failed(Exception exception)
    {
        bool cached;
        lock (gate)
        {
            retryNotBefore = time.GetUtcNow() + retryDelay;
            lastFailure = exception;
            cached = current is not null;
            fetch = null;
        }
        // One warning per attempt (at most one attempt per retry delay), however many requests are waiting.
        logger.LogWarning(
            exception,
            "Could not fetch Entra ID metadata from {MetadataAddress} within {TimeoutSeconds} s; "
                + "{Consequence}; next attempt in {RetrySeconds} s",
            MetadataAddress,
            timeout.TotalSeconds,
            cached ? "validating with the cached signing keys" : "management requests answer 503",
            retryDelay.TotalSeconds
        );
    }

    /// <summary>Fetches a document honouring cancellation (the library's <c>HttpDocumentRetriever</c> does not, so
    /// its wait is bounded only by the client's timeout, per document and per retry).</summary>
    private sealed class BoundedDocumentRetriever(IHttpClientFactory httpClients, bool requireHttps)
        : IDocumentRetriever
    {
        public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            if (requireHttps && !address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"The metadata address '{address}' is not HTTPS (set AzureAd__RequireHttpsMetadata=false only for "
                        + "local tests).",
                    nameof(address)
                );
            }
            // A client per fetch, so the factory's handler rotation (DNS changes) applies to this long-lived manager.
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(address, cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"{address} answered {(int)response.StatusCode}.",
                    null,
                    response.StatusCode
                );
            }
            return await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        }
    }
}

/// <summary>Entra ID's signing keys cannot be had (nothing cached and the metadata endpoint failed or timed out):
/// the management API answers 503 with <see cref="RetryAfter"/>.</summary>
public sealed class EntraMetadataUnavailableException(string message, TimeSpan retryAfter, Exception? inner)
    : Exception(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
