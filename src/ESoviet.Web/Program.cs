using ESoviet.Web.Accounts;
using ESoviet.Web.Decisions;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Ledger;
using ESoviet.Web.Live;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

var builder = WebApplication.CreateBuilder(args);

// Services: the PostgreSQL data source and event store, then the web plumbing.
builder.AddESovietEventStore();
builder.AddWebInfrastructure();
builder.AddAccounts();
builder.AddMembership();
builder.AddDeliberation();
builder.AddVoting();
builder.AddDecisions();
builder.AddLedger();
builder.AddLive();

var app = builder.Build();

// Pipeline: security headers, error handling, static files, routing.
app.UseWebInfrastructure();

// After routing: authentication, authorization and the sign-in rate limits read the endpoint.
app.UseAccounts();

// Endpoints: JSON under /api, the health probe, and the pages people read.
app.MapApi();
app.MapHealth();
app.MapRazorPages();
app.MapLive();

app.Run();

// Lets WebApplicationFactory<Program> in the test projects start the real app.
public partial class Program;
