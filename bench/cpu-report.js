// Preloaded into a timed process (`node --import ./bench/cpu-report.js …`): writes the process's
// CPU time (user + system, every thread) to stderr as it exits, for benchmarks that compare whole
// processes on a machine other sessions load, where wall-clock mostly measures the share of cores.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\n[cpu-us ${user + system}]\n`);
});
