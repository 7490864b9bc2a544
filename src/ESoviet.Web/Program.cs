using ESoviet.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

// Services: the PostgreSQL data source and event store, then the web plumbing.
builder.AddESovietEventStore();
builder.AddWebInfrastructure();

var app = builder.Build();

// Pipeline: security headers, error handling, static files, routing.
app.UseWebInfrastructure();

// Endpoints: JSON under /api, the health probe, and the pages people read.
app.MapApi();
app.MapHealth();
app.MapRazorPages();

app.Run();

// Lets WebApplicationFactory<Program> in the test projects start the real app.
public partial class Program;
