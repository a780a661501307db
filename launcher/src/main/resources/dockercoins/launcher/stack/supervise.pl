#!/usr/bin/perl
# Runs one replica of the DockerCoins stack, detached: started by ./dockercoins, it outlives it.
#   supervise.pl LOG PIDFILE EXITFILE COMMAND [ARG...]
# - a new session, and SIGHUP/SIGINT ignored (inherited by the replica; the JVM keeps ignored
#   signals ignored): closing the terminal or pressing Ctrl-C never reaches the replica. The
#   launcher stops it with SIGTERM, sent to the replica's own pid.
# - every output line is appended to LOG behind the time it was written (for `logs -t`).
# - the replica's pid goes to PIDFILE, its exit code (128+signal when killed) to EXITFILE.
use strict;
use warnings;
use POSIX qw(setsid _exit);
use Time::HiRes qw(time);
use IO::Handle;

my ($log, $pidfile, $exitfile, @command) = @ARGV;
setsid();
$SIG{HUP} = 'IGNORE';
$SIG{INT} = 'IGNORE';
open(my $out, '>>', $log) or die "cannot open $log: $!\n";
$out->autoflush(1);
pipe(my $reader, my $writer) or die "pipe: $!\n";
my $pid = fork();
die "fork: $!\n" unless defined $pid;
if ($pid == 0) {
    close $reader;
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', $writer);
    open(STDERR, '>&', $writer);
    exec { $command[0] } @command or print STDERR "cannot run $command[0]: $!\n";
    _exit(127);
}
close $writer;
write_atomically($pidfile, "$pid\n");
while (defined(my $line = <$reader>)) {
    $line .= "\n" unless $line =~ /\n\z/;
    my $now = time;
    my @t = gmtime(int $now);
    printf $out "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ %s",
        $t[5] + 1900, $t[4] + 1, $t[3], $t[2], $t[1], $t[0], ($now - int $now) * 1e6, $line;
}
waitpid($pid, 0);
my $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
write_atomically($exitfile, "$code\n");

sub write_atomically {
    my ($file, $text) = @_;
    open(my $fh, '>', "$file.tmp") or die "cannot write $file: $!\n";
    print $fh $text;
    close $fh;
    rename("$file.tmp", $file) or die "cannot write $file: $!\n";
}
