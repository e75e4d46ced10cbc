// The yardstick every HTTP benchmark is measured beside: bare Kestrel answering a small JSON body, started the
// same way as Tessera in the same run, so the ratio means something on a noisy shared machine.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => Results.Json(new { ok = true, service = "baseline" }));
app.MapPost("/", () => Results.Json(new { ok = true, service = "baseline" }));
app.Run();
