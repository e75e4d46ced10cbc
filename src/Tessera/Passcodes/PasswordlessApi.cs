using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tessera.Delivery;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.Sessions;
using Tessera.OpenApi;

namespace Tessera.Passcodes;

/// <summary>
/// Passwordless sign-up and sign-in from browsers and apps (no credential): identify with an email or phone, then
/// authenticate with the one-time passcode sent to it. The flows are <see cref="PasscodeSignIn"/>'s; this class speaks HTTP.
/// </summary>
public static class PasswordlessApi
{
    public static IEndpointRouteBuilder MapPasswordlessApi(this IEndpointRouteBuilder routes)
    {
        Document(routes.MapPost("/v1/users/session", IdentifyOrAuthenticateAsync).WithName("IdentifyOrAuthenticate")
            .WithSummary("Identify (sign up or send a passcode); with a passcode, authenticate"))
            .Produces<PasscodeSentBody>(StatusCodes.Status202Accepted);
        Document(routes.MapPut("/v1/users/session", AuthenticateAsync).WithName("Authenticate")
            .WithSummary("Trade a passcode for a session token"));
        return routes;
    }

    /// <summary>
    /// What both answer: 201 with the session (its token also in the Authorization header), 401 for a wrong
    /// passcode, 403 for an origin not allowed or a profile that may not sign in, 404 for an unknown client, 409 for
    /// an identifier registered at the same moment, 429 over a passcode limit, 503 without a delivery provider.
    /// No credential: these are called from browsers and apps.
    /// </summary>
    private static RouteHandlerBuilder Document(RouteHandlerBuilder endpoint) => endpoint.WithTags("Passwordless")
        .AcceptsJson<PasswordlessRequestBody>()
        .Produces<SessionView>(StatusCodes.Status201Created)
        .ProducesValidationErrors()
        .ProducesErrors(401, 403, 404, 409, 429, 503)
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?["201"] is Microsoft.OpenApi.OpenApiResponse created)
            {
                created.Headers ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiHeader>();
                created.Headers["Authorization"] = new Microsoft.OpenApi.OpenApiHeader
                {
                    Description = "`Bearer <token>`: the same session token as the body's `token`.",
                    Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
                };
            }
            return Task.CompletedTask;
        });

    private static Task<IResult> IdentifyOrAuthenticateAsync(HttpContext http, PasscodeSignIn signIn, IOptions<PhoneOptions> phones) =>
        HandleAsync(http, signIn, phones.Value, passcodeRequired: false);

    private static Task<IResult> AuthenticateAsync(HttpContext http, PasscodeSignIn signIn, IOptions<PhoneOptions> phones) =>
        HandleAsync(http, signIn, phones.Value, passcodeRequired: true);

    private static async Task<IResult> HandleAsync(HttpContext http, PasscodeSignIn signIn, PhoneOptions phones, bool passcodeRequired)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } error) return error;
        var errors = new ValidationErrors();
        var request = PasswordlessRequest.Parse(body.Root, errors);
        if (passcodeRequired && !request.HasPasscode) errors.Add("passcode", "is required");
        if (errors.Any) return errors.ToResult();

        var found = request.ClientId is { } clientId ? await signIn.FindClientAsync(clientId, http.RequestAborted) : null;
        if (found is null)
            return ApiError.Result(404, "Client not found", "Check the clientId: it is the id of a passwordless client of your environment.");
        if (!BrowserOrigins.IsAllowed(http, found.Client, found.Environment))
            return ApiError.Result(403, "Origin not allowed", "Add this origin to the client's allowed origins (tessera clients update ID --allowed-origins ...).");
        var identifier = request.Identifier(found.Client, errors, PhoneContext.For(phones, found.Environment.Mode));
        if (identifier is null) return errors.ToResult();

        var caller = new PasscodeSignIn.Caller(found.Client, found.Environment, identifier, Credentials.ClientIp(http), SessionOrigin.Of(http));
        var outcome = request.HasPasscode
            ? await signIn.AuthenticateAsync(caller, request.Passcode ?? "", http.RequestAborted)
            : await signIn.IdentifyAsync(caller, http.RequestAborted);
        return ToHttp(http, outcome);
    }

    private static IResult ToHttp(HttpContext http, PasswordlessOutcome outcome)
    {
        switch (outcome)
        {
            case PasswordlessOutcome.Accepted:
                return TypedResults.Json(new { }, statusCode: StatusCodes.Status202Accepted);
            case PasswordlessOutcome.SessionCreated created:
                http.Response.Headers.Authorization = "Bearer " + created.Session.Token;
                return TypedResults.Json(SessionView.From(created.Session), statusCode: StatusCodes.Status201Created);
            case PasswordlessOutcome.TooManyRequests tooMany:
                return ApiError.TooManyRequests(http, tooMany.RetryAfterSeconds, tooMany.Message);
            case PasswordlessOutcome.DeliveryNotConfigured delivery:
                return ApiError.Result(503, "Delivery is not configured",
                    $"Configure an {(delivery.Channel == OutboxChannel.Email ? "SMTP" : "SMS")} provider for production environments.");
            case PasswordlessOutcome.Refused { Reason: PasswordlessRefusal.WrongPasscode }:
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return ApiError.NotAuthenticated("The passcode is wrong, expired or already used: request a new one and try again.");
            case PasswordlessOutcome.Refused refused:
                return refused.Reason switch
                {
                    PasswordlessRefusal.Disabled => ApiError.Result(403, "Profile is disabled", "This profile cannot sign in; ask the app's support."),
                    PasswordlessRefusal.SignupsClosed => ApiError.Result(403, "Sign-ups are closed",
                        "This client does not create new profiles; sign in with an identifier that has one."),
                    PasswordlessRefusal.SignupsClosedOnProof => ApiError.Result(403, "Sign-ups are closed", "This client does not create new profiles."),
                    _ => ApiError.Result(409, "Identifier just registered", "Retry: a passcode will be sent."),
                };
            default:
                throw new InvalidOperationException($"No answer for {outcome}.");
        }
    }
}
