using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>
/// Endpoints for the agents organisations already run (docs/agents.md): the GLPI Agent (JSON, with the
/// <c>front/inventory.php</c> path it is often configured with, and its OAuth token endpoint) and FusionInventory /
/// OCS (XML). Every request carries the device credential from enrollment; answers are in the agent's protocol.
/// </summary>
public sealed class AgentProtocolFunctions(AgentProtocolService agents)
{
    [Function(nameof(PostGlpiAgentMessage))]
    public Task<AgentReply> PostGlpiAgentMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/glpi")] HttpRequest request,
        CancellationToken cancellationToken
    ) => agents.HandleAsync(request, AgentDialect.Glpi, cancellationToken);

    /// <summary>The path GLPI servers serve agents on, so an agent's existing <c>server</c> setting keeps its shape.
    /// </summary>
    [Function(nameof(PostGlpiFrontInventory))]
    public Task<AgentReply> PostGlpiFrontInventory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "front/inventory.php")] HttpRequest request,
        CancellationToken cancellationToken
    ) => agents.HandleAsync(request, AgentDialect.Glpi, cancellationToken);

    /// <summary>OAuth2 client credentials for the GLPI Agent (≥ 1.10), at <c>&lt;server&gt;/api.php/token</c>.
    /// </summary>
    [Function(nameof(IssueGlpiAgentToken))]
    public Task<AgentReply> IssueGlpiAgentToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/glpi/api.php/token")] HttpRequest request,
        CancellationToken cancellationToken
    ) => agents.IssueTokenAsync(request, cancellationToken);

    /// <summary>The same token endpoint beside <c>front/inventory.php</c> (the agent asks the server's base path).
    /// </summary>
    [Function(nameof(IssueGlpiAgentTokenAtApiRoot))]
    public Task<AgentReply> IssueGlpiAgentTokenAtApiRoot(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api.php/token")] HttpRequest request,
        CancellationToken cancellationToken
    ) => agents.IssueTokenAsync(request, cancellationToken);

    [Function(nameof(PostOcsAgentMessage))]
    public Task<AgentReply> PostOcsAgentMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/ocs")] HttpRequest request,
        CancellationToken cancellationToken
    ) => agents.HandleAsync(request, AgentDialect.Ocs, cancellationToken);
}
