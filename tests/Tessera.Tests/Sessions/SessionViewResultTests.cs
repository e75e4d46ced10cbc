using System.Buffers;
using System.Text;
using System.Text.Json;
using Tessera.Sessions;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>The hand-written session body is byte for byte what the serializer writes for <c>Ok&lt;SessionView&gt;</c>.</summary>
public sealed class SessionViewResultTests
{
    private static readonly JsonSerializerOptions WebDefaults = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Cases => ["api", "passwordless", "self-signed", "self-signed without jti", "escaping"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheBodyIsWhatTheSerializerWrites(string kind)
    {
        var claims = new SessionClaims
        {
            SessionId = Guid.NewGuid(), ProfileId = "p_0123456789abcdefghijkl", EnvironmentId = "env_ABCDEFGHIJKLMNOPQRSTUV",
            IssuedBy = "api_x", IssuedAt = 1_795_319_795, NotBefore = 1_795_319_795, ExpiresAt = 1_795_406_195,
            ClientId = kind == "passwordless" ? "cl_1" : null,
            Kind = kind switch { "api" => SessionKind.Api, "passwordless" => SessionKind.Passwordless, _ => SessionKind.SelfSigned },
            TokenId = kind switch { "self-signed" => "order-42", "escaping" => "<script>\"é\u2028'&\\", _ => null },
        };
        var token = kind == "escaping" ? "eyJ0.e30.sig\t+/<>" : "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJwIn0.c2lnbmF0dXJl";
        var uuid = Guid.NewGuid();

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) SessionViewResult.Write(writer, claims, token, uuid);

        Assert.Equal(JsonSerializer.Serialize(SessionView.From(claims, token, uuid), WebDefaults), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
