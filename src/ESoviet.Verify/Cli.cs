using System.Diagnostics;

namespace ESoviet.Verify;

/// <summary>The command line: exit 0 when everything holds, 1 when anything does not, 2 when it was asked wrongly.</summary>
public static class Cli
{
    public const int Holds = 0;
    public const int DoesNotHold = 1;
    public const int Usage = 2;

    private const string UsageText = """
        usage: ESoviet.Verify [--all] LEDGER.jsonl [MORE.jsonl ...]

        Checks an ESoviet ledger export: every entry's hash and its link to the one before, consecutive positions
        and increasing sequence numbers; replays each organization's charter history; recounts every closed vote,
        opening sealed votes against their commitments; and compares each count with the one recorded.
        Several files are read as one, in order (an export and its continuation fetched with ?after=N).
        "-" reads standard input. --all lists every recounted proposal, not only the first 25.

        exit status: 0 everything holds, 1 something does not, 2 usage error
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var all = false;
        var files = new List<string>();
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "-h" or "--help":
                    output.WriteLine(UsageText);
                    return Usage;
                case "--all":
                    all = true;
                    break;
                case "-":
                    files.Add(arg);
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error.WriteLine($"unknown option {arg}");
                        error.WriteLine(UsageText);
                        return Usage;
                    }
                    files.Add(arg);
                    break;
            }
        }
        if (files.Count == 0)
        {
            error.WriteLine(UsageText);
            return Usage;
        }
        foreach (var file in files)
        {
            if (file != "-" && !File.Exists(file))
            {
                error.WriteLine($"no such file: {file}");
                return Usage;
            }
        }

        var clock = Stopwatch.StartNew();
        VerificationReport report;
        using (var verifier = new LedgerVerifier())
        {
            foreach (var file in files)
            {
                try
                {
                    using var stream = file == "-"
                        ? Console.OpenStandardInput()
                        : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                    verifier.CheckStream(stream, file == "-" ? "stdin" : file);
                }
                catch (IOException e)
                {
                    error.WriteLine($"cannot read {file}: {e.Message}");
                    return Usage;
                }
                catch (UnauthorizedAccessException e)
                {
                    error.WriteLine($"cannot read {file}: {e.Message}");
                    return Usage;
                }
            }
            report = verifier.Finish();
        }

        output.WriteLine($"ESoviet ledger check of {string.Join(", ", files)}");
        report.WriteTo(output, all);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        output.WriteLine($"({report.Entries:N0} entries in {seconds:0.00} s, {report.Entries / seconds:N0} entries/s)");
        return report.Ok ? Holds : DoesNotHold;
    }
}
