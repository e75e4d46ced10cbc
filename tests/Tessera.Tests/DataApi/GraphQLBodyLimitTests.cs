using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>
/// A GraphQL request body is at most 1 MiB: a larger declared length is refused before the body is read, and a
/// chunked body is read no further than the limit; 413 with the GraphQL error shape either way.
/// </summary>
public abstract class GraphQLBodyLimitTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private const int Limit = 1024 * 1024;

    /// <summary>A valid operation padded with trailing whitespace to exactly <paramref name="length"/> bytes.</summary>
    private static byte[] BodyOf(int length)
    {
        var body = Encoding.UTF8.GetBytes("{\"query\":\"{ profile { id } }\"}" + new string(' ', length));
        return body[..length];
    }

    private async Task<HttpResponseMessage> PostAsync(HttpContent content, string token)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/graphql") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Contains("1024 KiB", body.GetProperty("errors")[0].Str("message"));
        Assert.False(body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task ABodyWithAContentLengthOverOneMebibyteGets413AndOneAtTheLimitRuns()
    {
        var seeded = await SeedProfileAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(new ByteArrayContent(BodyOf(Limit)), seeded.Token)).StatusCode);
        await AssertTooLargeAsync(await PostAsync(new ByteArrayContent(BodyOf(Limit + 1)), seeded.Token));
        await AssertTooLargeAsync(await PostAsync(new ByteArrayContent(BodyOf(8 * Limit)), seeded.Token));
        Assert.Equal(HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token)).StatusCode);
    }

    [Fact]
    public async Task AChunkedBodyIsReadNoFurtherThanTheLimitAndTheServerStaysHealthy()
    {
        var seeded = await SeedProfileAsync(1);
        var atLimit = new GeneratedBody(BodyOf(Limit));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(new StreamContent(atLimit), seeded.Token)).StatusCode);
        await AssertTooLargeAsync(await PostAsync(new StreamContent(new GeneratedBody(BodyOf(Limit + 1))), seeded.Token));

        // 30 MB (Kestrel's own default limit) without a length: the server stops reading just past 1 MiB.
        var huge = new GeneratedBody(BodyOf(30_000_000));
        await AssertTooLargeAsync(await PostAsync(new StreamContent(huge, 16 * 1024), seeded.Token));
        Assert.InRange(huge.Served, Limit, 4 * Limit);

        Assert.Equal(HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token)).StatusCode);
    }

    /// <summary>A body of unknown length (so sent chunked) that counts how much of it was read.</summary>
    private sealed class GeneratedBody(byte[] bytes) : Stream
    {
        private long _position;
        public long Served => Interlocked.Read(ref _position);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, bytes.Length - _position);
            bytes.AsSpan((int)_position, n).CopyTo(buffer);
            Interlocked.Add(ref _position, n);
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class GraphQLBodyLimitTestsOnSqlite(PostgresServer postgres) : GraphQLBodyLimitTests(Backend.Sqlite, postgres);
public sealed class GraphQLBodyLimitTestsOnPostgres(PostgresServer postgres) : GraphQLBodyLimitTests(Backend.Postgres, postgres);
