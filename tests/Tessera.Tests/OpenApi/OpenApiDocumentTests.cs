using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.OpenApi;

/// <summary>
/// The OpenAPI document covers every endpoint the server maps, each completely (operationId, summary, tag, success
/// and error responses with their bodies, who may call it), so an endpoint added without its documentation fails
/// here. And the API reference page at /docs serves its bundled script and nothing from elsewhere. The document does
/// not depend on the database: this suite runs on SQLite only.
/// </summary>
public sealed class OpenApiDocumentTests(PostgresServer postgres) : TesseraTestBase(Backend.Sqlite, postgres)
{
    // Endpoints deliberately left out of the document: probes, the scraper's page, the documents and pages
    // themselves. Anything else excluded from it is a mistake.
    private static readonly string[] Undocumented = ["/healthz", "/readyz", "/metrics", "/openapi/{documentName}.json", "/v1/graphql/explorer/{file}"];
    private const string ReferencePath = "/docs";

    // Not REST API surface, each documented where its clients look: the operator console's HTML pages (ADR 0009),
    // the ActionCable socket (ADR 0011) and the OpenID-style discovery documents and key sets (ADR 0010).
    private static readonly string[] UndocumentedPrefixes = ["/console", "/websockets", "/environments/{environmentId}/.well-known"];

    // POST/PUT/PATCH endpoints that read no body.
    private static readonly string[] Bodiless = ["IntrospectApiKey", "IntrospectSessionToken", "ReplayWebhookDelivery", "ReconnectConnection"];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonObject> DocumentAsync()
    {
        var response = await Server.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where Methods.Contains(operation.Key)
        select (path.Key, operation.Key, operation.Value!.AsObject());

    [Fact]
    public async Task EveryMappedEndpointIsInTheDocumentOrDeliberatelyLeftOut()
    {
        var document = await DocumentAsync();
        var documented = Operations(document).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToHashSet();
        var endpoints = Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var missing = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (Undocumented.Contains(path) || path == ReferencePath || path.StartsWith(ReferencePath + "/", StringComparison.Ordinal)
                || UndocumentedPrefixes.Any(prefix => path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal))) continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.NotEmpty(methods);
            missing.AddRange(methods.Where(method => !documented.Contains($"{method} {path}")).Select(method => $"{method} {path}"));
        }
        Assert.True(missing.Count == 0, "not in the OpenAPI document: " + string.Join(", ", missing));
        // And the other way: nothing documented that the server does not map.
        Assert.Equal(documented.Count, endpoints.Sum(e =>
        {
            var path = "/" + e.RoutePattern.RawText!.Trim('/');
            return (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Count(m => documented.Contains($"{m} {path}"));
        }));
    }

    [Fact]
    public async Task EveryOperationIsComplete()
    {
        var document = await DocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject().Select(s => s.Key).ToList();
        Assert.Equal(["apiKey", "sessionToken", "profileApiKey"], schemes);
        var problems = new List<string>();
        var operationIds = new HashSet<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            void Check(bool ok, string problem) { if (!ok) problems.Add($"{name}: {problem}"); }
            var operationId = operation["operationId"]?.GetValue<string>();
            Check(operationId is not null && operationIds.Add(operationId), "no operationId, or not unique");
            Check(operation["summary"] is not null, "no summary");
            Check(operation["tags"] is JsonArray { Count: > 0 }, "no tag");
            var responses = operation["responses"]!.AsObject();
            Check(responses.Any(r => r.Key.StartsWith('2')), "no success response");
            Check(SchemaRef(responses["500"]) == "#/components/schemas/ApiError", "no 500 with the error body");
            foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('4')))
                Check(response!["content"]?.AsObject().Any(media => media.Value!["schema"] is not null) == true, $"{status} has no body schema");
            Check(operation["security"] is JsonArray, "no security requirement (anonymous ones say security: [])");
            var security = (operation["security"] as JsonArray ?? []).SelectMany(r => r!.AsObject().Select(s => s.Key)).ToList();
            Check(security.All(schemes.Contains), "an unknown security scheme");
            if (security.Count > 0)
            {
                Check(SchemaRef(responses["401"]) == "#/components/schemas/ApiError", "takes a credential but has no 401 with the error body");
                Check(responses["429"]?["headers"]?["Retry-After"] is not null, "takes a credential but has no 429 with Retry-After");
            }
            if (method is "post" or "put" or "patch" && !Bodiless.Contains(operationId))
                Check(operation["requestBody"]?["content"] is JsonObject { Count: > 0 }, "no request body");
        }
        Assert.Empty(problems);
    }

    private static string? SchemaRef(JsonNode? response) => response?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();

    [Fact]
    public async Task EveryOperationThatTakesACredentialAnswers401WithoutOne()
    {
        var document = await DocumentAsync();
        foreach (var (path, method, operation) in Operations(document))
        {
            var anonymous = operation["security"]!.AsArray().Count == 0;
            var response = await Server.SendAsync(new HttpMethod(method.ToUpperInvariant()), path.Replace("{", "x").Replace("}", ""));
            if (anonymous) Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            else Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without a credential");
        }
    }

    [Fact]
    public async Task TheValidationErrorAndListHeadersAreDocumented()
    {
        var document = await DocumentAsync();
        var create = document["paths"]!["/v1/profiles"]!["post"]!["responses"]!["422"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("object", create["type"]!.GetValue<string>());
        Assert.Equal("array", create["additionalProperties"]!["type"]!.GetValue<string>());
        var list = document["paths"]!["/v1/profiles"]!["get"]!;
        Assert.Equal(["page", "limit", "items"], list["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        var headers = list["responses"]!["200"]!["headers"]!.AsObject().Select(h => h.Key).ToList();
        Assert.Superset(new HashSet<string> { "Current-Page", "Page-Items", "Total-Count", "Total-Pages", "Ratelimit-Limit" }, headers.ToHashSet());
    }

    [Fact]
    public async Task TheReferencePageServesItsBundledScriptAndNothingFromElsewhere()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var page = await Server.Http.GetAsync(ReferencePath + "/", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        Assert.Contains("scalar.js", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.StartsWith("default-src 'self';", page.Headers.GetValues("Content-Security-Policy").Single());

        var script = await Server.Http.GetAsync(ReferencePath + "/scalar.js", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync(cancellationToken)).Length > 100_000);
    }

    [Fact]
    public async Task TheReferencePageCanBeTurnedOffAndTheDocumentStays()
    {
        await using var server = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, new Dictionary<string, string?> { ["ApiReference:Enabled"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync(ReferencePath + "/", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task TheReferencePageMovesWithItsPath()
    {
        await using var server = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, new Dictionary<string, string?> { ["ApiReference:Path"] = "/api/reference" });
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api/reference/", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync(ReferencePath + "/", TestContext.Current.CancellationToken)).StatusCode);
    }
}
