using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Http;
using Tessera.OpenApi;
using Tessera.Sessions;

namespace Tessera.Connectors;

/// <summary>
/// The self-hosted Connector (ADR 0012): <c>/v1/connector.js</c>, the script the SDK loads from <c>cdn.&lt;domain&gt;</c>
/// and drives as <c>window.Quiltt</c>; the page it frames; the page's calls, made with the session token the host
/// page handed over by postMessage; and the SDK's institution search and resolvable check.
/// </summary>
public static class ConnectorApi
{
    private const string Tag = "Connector";
    private const string ResourcePrefix = "connector/";
    private static readonly Assembly Assembly = typeof(ConnectorApi).Assembly;
    private static readonly Dictionary<string, string> AssetTypes = new(StringComparer.Ordinal)
    {
        ["page.js"] = "text/javascript; charset=utf-8",
        ["page.css"] = "text/css; charset=utf-8",
        ["mock-bank.svg"] = "image/svg+xml",
    };

    public sealed record InstitutionView(string Id, string Name, string LogoUrl);
    public sealed record SdkInstitution(string Name, string LogoUrl);
    public sealed record ResolvableView(bool Resolvable);
    public sealed record ConnectionSummary(string Id, string? InstitutionName);
    public sealed record ConnectorSessionView(string ConnectorId, string ProfileId, string EnvironmentMode, IReadOnlyList<InstitutionView> Institutions, ConnectionSummary? Connection);
    public sealed record ConnectedView(string ConnectorId, string ProfileId, string ConnectionId);
    public sealed record ConnectRequest(string Institution);

    public static IEndpointRouteBuilder MapConnectorApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/connector.js", Script).WithTags(Tag).WithName("GetConnectorScript")
            .WithSummary("The Connector script (window.Quiltt) that QuilttButton, QuilttContainer and useQuilttConnector load")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/javascript");
        routes.MapGet("/v1/connectors/assets/{file}", Asset).WithTags(Tag).WithName("GetConnectorAsset")
            .WithSummary("A static file of the Connector page (its script, stylesheet, the mock bank's logo)")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/plain").ProducesErrors(404);
        routes.MapGet("/v1/connectors/{id}/page", PageAsync).WithTags(Tag).WithName("GetConnectorPage")
            .WithSummary("The Connector page, framed by connector.js for the page of `origin`")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/html").ProducesErrors(400, 403, 404);

        var page = routes.MapGroup("/v1/connectors/{id}").RequireSessionToken().WithTags(Tag).ProducesErrors(404);
        page.MapGet("/session", SessionAsync).WithName("GetConnectorSession")
            .WithSummary("What the Connector page shows this session: the environment's institutions, and the connection to reconnect");
        page.MapPost("/connections", ConnectAsync).WithName("ConnectInstitution")
            .WithSummary("Connect an institution of the directory (SANDBOX: the mock bank) for the session's profile")
            .AcceptsJson<ConnectRequest>().ProducesErrors(422);
        page.MapPost("/connections/{connectionId}/reconnect", ReconnectAsync).WithName("ReconnectConnection")
            .WithSummary("Reconnect one of the session profile's connections").ProducesErrors(422);

        var sdk = routes.MapGroup("/v1/sdk/connectors/{id}").RequireSessionToken().WithTags(Tag).ProducesErrors(400, 404);
        sdk.MapGet("/institutions", InstitutionsAsync).WithName("SearchConnectorInstitutions")
            .WithSummary("Search the institutions a Connector can connect (useQuilttInstitutions)");
        sdk.MapGet("/resolvable", ResolvableAsync).WithName("CheckConnectorResolvable")
            .WithSummary("Whether a provider's institution id can be connected through this Connector (useQuilttResolvable)");
        return routes;
    }

    private static IResult Script(HttpContext http)
    {
        // Loaded cross-origin by the host page's <script>; short-lived cache so a new release reaches browsers soon.
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(Open("connector.js"), "text/javascript; charset=utf-8");
    }

    private static Results<FileStreamHttpResult, JsonHttpResult<ApiError>> Asset(HttpContext http, string file)
    {
        if (!AssetTypes.TryGetValue(file, out var type)) return ApiError.NotFound("File");
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (file.EndsWith(".svg", StringComparison.Ordinal))
        {
            // A logo is shown by <img> on other origins; as a document it may run nothing.
            http.Response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        }
        return TypedResults.Stream(Open(file), type);
    }

    private static Stream Open(string file) =>
        Assembly.GetManifestResourceStream(ResourcePrefix + file) ?? throw new InvalidOperationException($"The Connector's {file} is not embedded.");

    /// <summary>
    /// The page, for an iframe of <paramref name="origin"/>: the connector must exist and its client allow that
    /// origin. The frame-ancestors directive makes the browser hold the embedder to that origin, and the page posts
    /// to it alone, so a page elsewhere can neither frame it nor hear it. The HTML is static: no data in it.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, JsonHttpResult<ApiError>>> PageAsync(HttpContext http, TesseraDbContext db, string id, string? origin)
    {
        var parent = ConnectorRules.ParseOrigin(origin);
        if (parent is null)
            return ApiError.Result(StatusCodes.Status400BadRequest, "Bad Request", "Pass the embedding page's origin as `origin` (scheme://host[:port]); connector.js does.");
        var found = await ConfigurationAsync(db, id, http.RequestAborted);
        if (found is null) return ApiError.NotFound("Connector");
        if (!BrowserOrigins.IsAllowedOrigin(parent, found.Value.Client, found.Value.Environment))
            return ApiError.Result(StatusCodes.Status403Forbidden, "Origin not allowed",
                "Add the page's origin to the client's allowed origins (tessera clients update <client> --allowed-origins ...).");
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {parent}";
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Stream(Open("page.html"), "text/html; charset=utf-8");
    }

    private static async Task<(Connector Connector, Client Client, TesseraEnvironment Environment)?> ConfigurationAsync(TesseraDbContext db, string id, CancellationToken cancellationToken)
    {
        if (id.Length > 64) return null;
        var row = await (from c in db.Connectors.AsNoTracking()
                         join client in db.Clients.AsNoTracking() on c.ClientId equals client.Id
                         join e in db.Environments.AsNoTracking() on c.EnvironmentId equals e.Id
                         where c.Id == id
                         select new { c, client, e }).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (row.c, row.client, row.e);
    }

    /// <summary>The mode of the session's environment when the connector is of that environment; else null (404).</summary>
    private static async Task<EnvironmentMode?> ModeForSessionAsync(TesseraDbContext db, SessionClaims session, string id, CancellationToken cancellationToken)
    {
        if (id.Length > 64) return null;
        // The environment is in the query: another environment's connector is as unknown as a made-up id.
        var modes = await (from c in db.Connectors.AsNoTracking()
                           join e in db.Environments.AsNoTracking() on c.EnvironmentId equals e.Id
                           where c.Id == id && c.EnvironmentId == session.EnvironmentId
                           select e.Mode).ToListAsync(cancellationToken);
        return modes.Count == 0 ? null : modes[0];
    }

    private static string LogoUrl(HttpRequest request, Institution institution) =>
        $"{request.Scheme}://{request.Host}/v1/connectors/assets/{institution.LogoFile}";

    private static async Task<Results<Ok<ConnectorSessionView>, JsonHttpResult<ApiError>>> SessionAsync(HttpContext http, TesseraDbContext db, string id, string? connectionId)
    {
        var session = http.AuthenticatedSession().Claims;
        if (await ModeForSessionAsync(db, session, id, http.RequestAborted) is not { } mode) return ApiError.NotFound("Connector");
        ConnectionSummary? connection = null;
        if (connectionId is not null)
        {
            var owned = await OwnedConnectionAsync(db, session, connectionId, http.RequestAborted);
            if (owned is null) return ApiError.NotFound("Connection");
            connection = new ConnectionSummary(owned.Id, owned.InstitutionName);
        }
        var institutions = InstitutionDirectory.Available(mode).Select(i => new InstitutionView(i.Id, i.Name, LogoUrl(http.Request, i))).ToList();
        return TypedResults.Ok(new ConnectorSessionView(id, session.ProfileId, mode.ToString().ToUpperInvariant(), institutions, connection));
    }

    private static Task<Connection?> OwnedConnectionAsync(TesseraDbContext db, SessionClaims session, string connectionId, CancellationToken cancellationToken) =>
        connectionId.Length > 64 ? Task.FromResult<Connection?>(null)
        : db.Connections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == connectionId && c.EnvironmentId == session.EnvironmentId && c.ProfileId == session.ProfileId, cancellationToken);

    private static JsonHttpResult<ApiError> Refusal(ConnectorRules.Decision decision) => decision switch
    {
        ConnectorRules.Decision.NoAggregator => ApiError.Result(StatusCodes.Status422UnprocessableEntity, "No aggregator is configured",
            "This server connects to no aggregator: connections reach PRODUCTION through the import API (POST /v1/import); the mock bank is in SANDBOX environments."),
        ConnectorRules.Decision.UnknownInstitution => ApiError.Result(StatusCodes.Status422UnprocessableEntity, "Institution not available",
            "Pick an institution listed by GET /v1/connectors/{id}/session."),
        _ => ApiError.Result(StatusCodes.Status422UnprocessableEntity, "Connection cannot be reconnected here",
            "It did not come from the mock bank: reconnect it where its data comes from (the import API)."),
    };

    private static async Task<Results<Created<ConnectedView>, JsonHttpResult<ApiError>>> ConnectAsync(HttpContext http, TesseraDbContext db, MockBank bank, string id)
    {
        var session = http.AuthenticatedSession().Claims;
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } error) return error;
        if (await ModeForSessionAsync(db, session, id, http.RequestAborted) is not { } mode) return ApiError.NotFound("Connector");
        var institution = body.Root.TryGetProperty("institution", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        var decision = ConnectorRules.Connect(mode, institution);
        if (decision != ConnectorRules.Decision.Allowed) return Refusal(decision);
        Connection connection;
        // The mock bank's own write path: the same rows, webhook events and version bump as the mutation and the CLI.
        try { connection = await bank.CreateAsync(session.EnvironmentId, session.ProfileId, http.RequestAborted); }
        catch (MockBankException) { return ApiError.NotFound("Profile"); }
        return TypedResults.Created($"/v1/connectors/{id}/connections/{connection.Id}", new ConnectedView(id, session.ProfileId, connection.Id));
    }

    private static async Task<Results<Ok<ConnectedView>, JsonHttpResult<ApiError>>> ReconnectAsync(HttpContext http, TesseraDbContext db, string id, string connectionId)
    {
        var session = http.AuthenticatedSession().Claims;
        if (await ModeForSessionAsync(db, session, id, http.RequestAborted) is not { } mode) return ApiError.NotFound("Connector");
        var connection = await OwnedConnectionAsync(db, session, connectionId, http.RequestAborted);
        if (connection is null) return ApiError.NotFound("Connection");
        var decision = ConnectorRules.Reconnect(mode, connection.Provider);
        if (decision != ConnectorRules.Decision.Allowed) return Refusal(decision);
        return TypedResults.Ok(new ConnectedView(id, session.ProfileId, connection.Id));
    }

    private static async Task<Results<Ok<List<SdkInstitution>>, JsonHttpResult<ApiError>>> InstitutionsAsync(HttpContext http, TesseraDbContext db, string id, string? term)
    {
        var session = http.AuthenticatedSession().Claims;
        var trimmed = term?.Trim();
        if (trimmed is null || trimmed.Length < InstitutionDirectory.MinimumTermLength || trimmed.Length > InstitutionDirectory.MaximumTermLength)
            return ApiError.Result(StatusCodes.Status400BadRequest, "Bad Request",
                $"Pass `term`: {InstitutionDirectory.MinimumTermLength} to {InstitutionDirectory.MaximumTermLength} characters of an institution's name.");
        if (await ModeForSessionAsync(db, session, id, http.RequestAborted) is not { } mode) return ApiError.NotFound("Connector");
        return TypedResults.Ok(InstitutionDirectory.Search(mode, trimmed).Select(i => new SdkInstitution(i.Name, LogoUrl(http.Request, i))).ToList());
    }

    private static async Task<Results<Ok<ResolvableView>, JsonHttpResult<ApiError>>> ResolvableAsync(HttpContext http, TesseraDbContext db, string id)
    {
        var session = http.AuthenticatedSession().Claims;
        // The SDK sends exactly one provider's id (plaid, mock, mx, finicity or akoya).
        var given = InstitutionDirectory.ProviderKeys.Where(k => http.Request.Query.ContainsKey(k)).ToList();
        if (given.Count != 1 || http.Request.Query[given[0]] is not { Count: 1 } values || string.IsNullOrWhiteSpace(values[0]) || values[0]!.Length > 200)
            return ApiError.Result(StatusCodes.Status400BadRequest, "Bad Request",
                $"Pass one provider's institution id: one of {string.Join(", ", InstitutionDirectory.ProviderKeys)}, e.g. ?mock={MockBank.InstitutionId}.");
        if (await ModeForSessionAsync(db, session, id, http.RequestAborted) is not { } mode) return ApiError.NotFound("Connector");
        return TypedResults.Ok(new ResolvableView(InstitutionDirectory.IsResolvable(mode, given[0], values[0]!)));
    }
}
