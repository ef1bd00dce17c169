using System.Diagnostics;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>Starts a server process whose standard output and error go to a log file.</summary>
public static class LoggedProcess
{
    public static (Process Process, StreamWriter Log) Start(ProcessStartInfo info, string logPath)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, log);
    }
}
