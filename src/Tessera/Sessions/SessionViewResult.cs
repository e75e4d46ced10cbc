using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Tessera.Sessions;

/// <summary>
/// 200 with the <see cref="SessionView"/> of a verified session, written straight from its claims: the same JSON the
/// serializer writes for <c>Ok&lt;SessionView&gt;</c> (a test compares them), with a <c>Content-Length</c> instead of a
/// chunked body and without the serializer's per-request machinery. Session introspection is the hottest endpoint.
/// </summary>
public sealed class SessionViewResult(SessionClaims claims, ReadOnlyMemory<char> token, Guid profileUuid) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private const string ContentType = "application/json; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var (buffer, writer) = Rent();
        try
        {
            Write(writer, claims, token.Span, profileUuid);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            Return(buffer, writer);
        }
        // No flush of our own: with the length known, Kestrel sends headers and body in one write when the request ends.
        return Task.CompletedTask;
    }

    /// <summary>The body, as <see cref="SessionView.From(SessionClaims, string, Guid)"/> serialized with the web defaults.</summary>
    public static void Write(Utf8JsonWriter writer, SessionClaims claims, ReadOnlySpan<char> token, Guid profileUuid)
    {
        writer.WriteStartObject();
        // A self-signed token's id is its own jti (null without one).
        if (claims.Kind == SessionKind.SelfSigned)
        {
            if (claims.TokenId is null) writer.WriteNull("id"u8);
            else writer.WriteString("id"u8, claims.TokenId);
        }
        else writer.WriteString("id"u8, claims.SessionId);
        writer.WriteString("token"u8, token);
        writer.WriteString("userId"u8, claims.ProfileId);
        writer.WriteString("userUuid"u8, profileUuid);
        writer.WriteString("environmentId"u8, claims.EnvironmentId);
        writer.WriteNumber("expiration"u8, claims.ExpiresAt);
        writer.WriteString("expiresAt"u8, DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt).UtcDateTime);
        writer.WriteEndObject();
        writer.Flush();
    }

    // One buffer and writer per thread, used synchronously (never across an await), as Kestrel's own writers are.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) Rent()
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ?? new Utf8JsonWriter(buffer);
        t_buffer = null;
        t_writer = null;
        writer.Reset(buffer);
        return (buffer, writer);
    }

    private static void Return(ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        // A token is at most 4 KiB: a buffer grown past that by something odd is not kept.
        if (buffer.Capacity > 16 * 1024) return;
        // Clear, not just rewind: the body holds a bearer token.
        buffer.Clear();
        t_buffer = buffer;
        t_writer = writer;
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SessionView), [ContentType.Split(';')[0]]));
}
