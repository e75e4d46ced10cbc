using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ApiKeys;
using Tessera.Audit;
using Tessera.Tests.DataApi;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.ApiKeys;

/// <summary>API keys are cached in memory; a revocation must still win everywhere, at once here and elsewhere from the next poll of the revocation log.</summary>
public abstract class ApiKeyRevocationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private static Task<HttpResponseMessage> IntrospectAsync(TesseraInstance instance, string secret) =>
        instance.SendAsync(HttpMethod.Post, "/v1/introspect/api_key", secret);

    private async Task RevokeAsync(TesseraInstance instance)
    {
        await using var scope = instance.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().RevokeAsync(ApiKeyId, default));
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnceByTheInstanceThatRevokedIt()
    {
        Assert.Equal(HttpStatusCode.OK, (await IntrospectAsync(Server, ApiSecret)).StatusCode); // now cached

        await RevokeAsync(Server);

        Assert.Equal(HttpStatusCode.Unauthorized, (await IntrospectAsync(Server, ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).StatusCode);
    }

    [Fact]
    public async Task AKeyRevokedOnOneInstanceIsRefusedByTheOtherFromItsNextPoll()
    {
        var other = await StartSecondInstanceAsync();
        Assert.Equal(HttpStatusCode.OK, (await IntrospectAsync(other, ApiSecret)).StatusCode); // cached there

        await RevokeAsync(Server);

        await other.NextRevocationPollAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await IntrospectAsync(other, ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).StatusCode);
    }

    [Fact]
    public async Task ARevokedKeyStaysRefusedAfterTheCacheLifetimeAndOtherKeysKeepWorking()
    {
        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        Assert.Equal(HttpStatusCode.OK, (await IntrospectAsync(Server, ApiSecret)).StatusCode);
        await RevokeAsync(Server);

        Clock.Advance(ApiKeyAuthenticator.CacheLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await IntrospectAsync(Server, ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await IntrospectAsync(Server, otherSecret)).StatusCode);
        Assert.False(await TryRevokeAgainAsync());
    }

    private async Task<bool> TryRevokeAgainAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().RevokeAsync(ApiKeyId, default);
    }

    [Fact]
    public async Task CreatingAndRevokingAKeyAreAudited()
    {
        await RevokeAsync(Server);
        var actions = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Subject == ApiKeyId).Select(e => e.Action).ToListAsync());
        Assert.Equal([AuditActions.ApiKeyCreated, AuditActions.ApiKeyRevoked], actions.Order());
    }

    [Fact]
    public async Task AKnownKeyIsAuthenticatedWithoutADatabaseQuery()
    {
        var queries = new QueryCounter();
        await using var counted = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, services: s => s.AddSingleton<IInterceptor>(queries));
        Assert.Equal(HttpStatusCode.OK, (await IntrospectAsync(counted, ApiSecret)).StatusCode);

        queries.Reset();
        Assert.Equal(HttpStatusCode.OK, (await IntrospectAsync(counted, ApiSecret)).StatusCode);
        Assert.Equal(0, queries.Count);
        Assert.Equal(HttpStatusCode.Unauthorized, (await IntrospectAsync(counted, "tsk_not-a-key-at-all")).StatusCode);
    }
}

public sealed class ApiKeyRevocationTestsOnSqlite(PostgresServer postgres) : ApiKeyRevocationTests(Backend.Sqlite, postgres);
public sealed class ApiKeyRevocationTestsOnPostgres(PostgresServer postgres) : ApiKeyRevocationTests(Backend.Postgres, postgres);
