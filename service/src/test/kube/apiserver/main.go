// Command kube-apiserver-launcher runs a Kubernetes control plane for Driftless's
// integration tests: an embedded etcd (go.etcd.io/etcd/server/v3/embed) and the
// upstream kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app) in this one
// process, both on loopback ports. It generates a CA, a serving certificate, a
// service-account signing key and a static token file into --dir, writes
// kubeconfigs there, and prints exactly one line on stdout,
//
//	READY <dir>/admin.kubeconfig https://127.0.0.1:<port>
//
// once /readyz answers ok. With --components=<bin dir> it also starts
// kube-controller-manager, kube-scheduler and kwok from that folder as child
// processes (logs in <dir>/<name>.log), registers one fake Node (kwok-node-0),
// and prints READY only once that Node is Ready.
//
// With --keep it restarts a control plane an earlier run left in --dir: the
// same certificates, tokens and ports, and etcd's data as it was (every object,
// its uid and resourceVersion), as a node's control plane comes back after a
// reboot. Without it every start begins from nothing.
//
// It stops cleanly (children, then kube-apiserver, then etcd) on SIGTERM or
// SIGINT, when its standard input reaches EOF (unless --exit-on-stdin-eof=false),
// and when its parent process goes away (the parent pid changes; checked every
// second). Children also get PR_SET_PDEATHSIG=SIGKILL, so even a SIGKILL of
// the launcher leaves none behind. A child that exits on its own takes the
// whole control plane down (exit code 1).
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // for timeZone support in CronJob, as upstream's main

	"go.etcd.io/etcd/server/v3/embed"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // as upstream's main
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as upstream's main
	_ "k8s.io/component-base/metrics/prometheus/version"  // as upstream's main
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

const (
	driftlessSAUser = "system:serviceaccount:driftless:driftless"
	fakeNodeName    = "kwok-node-0"
)

type options struct {
	dir            string
	port           int
	etcdPort       int
	keep           bool
	exitOnStdinEOF bool
	components     string
	kwokConfig     string
	verbosity      int
	extraArgs      multiFlag
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	// Children get PR_SET_PDEATHSIG, which fires when the *thread* that forked
	// them exits: keep main on one OS thread that lives as long as the process.
	runtime.LockOSThread()

	var o options
	flag.StringVar(&o.dir, "dir", "", "working folder: certificates, tokens, kubeconfigs, etcd data, component logs (required)")
	flag.IntVar(&o.port, "port", 0, "kube-apiserver secure port on 127.0.0.1 (0 = pick a free one)")
	flag.IntVar(&o.etcdPort, "etcd-port", 0, "etcd client port on 127.0.0.1 (0 = pick a free one); the peer port is always picked free")
	flag.BoolVar(&o.keep, "keep", false, "restart what an earlier run left in --dir (certificates, tokens, ports, etcd data) instead of starting afresh")
	flag.BoolVar(&o.exitOnStdinEOF, "exit-on-stdin-eof", true, "shut down when standard input reaches EOF (the parent closed its pipe or died)")
	flag.StringVar(&o.components, "components", "", "folder holding kube-controller-manager, kube-scheduler and kwok: start them too, create a fake Node and wait for it to be Ready")
	flag.StringVar(&o.kwokConfig, "kwok-config", "", "kwok configuration (stages) passed to kwok --config (with --components; default: kwok.yaml beside the binaries' folder)")
	flag.IntVar(&o.verbosity, "v", 0, "klog verbosity for kube-apiserver and the components")
	flag.Var(&o.extraArgs, "apiserver-arg", "extra kube-apiserver flag, e.g. --apiserver-arg=--feature-gates=Foo=true (repeatable)")
	flag.Parse()
	if o.dir == "" {
		fmt.Fprintln(os.Stderr, "--dir is required")
		os.Exit(2)
	}
	os.Exit(run(o))
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "launcher: "+format+"\n", args...)
}

// launcher holds what the shutdown path needs.
type launcher struct {
	ctx    context.Context // cancelled when shutdown starts
	cancel context.CancelFunc

	mu       sync.Mutex
	children []*child
	once     sync.Once
}

// shutdown stops the children first (their watches would otherwise hold the
// apiserver's graceful shutdown for its 60 s timeout), then the apiserver.
// viaSignal: the apiserver's own handler has already seen SIGTERM/SIGINT; a
// RequestShutdown on top of it would count as a second signal (os.Exit(1)).
func (l *launcher) shutdown(reason string, viaSignal bool) {
	l.once.Do(func() {
		logf("%s: shutting down", reason)
		l.cancel()
		l.stopChildren()
		if !viaSignal {
			genericapiserver.RequestShutdown()
		}
	})
}

func (l *launcher) stopChildren() {
	stopping.Store(true)
	l.mu.Lock()
	children := l.children
	l.children = nil
	l.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range children {
		wg.Add(1)
		go func(c *child) { defer wg.Done(); c.stop() }(c)
	}
	wg.Wait()
}

func run(o options) int {
	start := time.Now()
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		logf("%v", err)
		return 1
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		logf("%v", err)
		return 1
	}
	var kept *ports
	if o.keep {
		if kept, err = readPorts(dir); err != nil {
			logf("--keep: %v (was the folder started before?)", err)
			return 1
		}
	} else {
		kept = &ports{APIServer: o.port, Etcd: o.etcdPort}
		if kept.APIServer == 0 {
			kept.APIServer = freePort()
		}
		if kept.Etcd == 0 {
			kept.Etcd = freePort()
		}
		kept.EtcdPeer = freePort()
		if err := kept.write(dir); err != nil {
			logf("%v", err)
			return 1
		}
	}
	o.port, o.etcdPort = kept.APIServer, kept.Etcd
	peerPort := kept.EtcdPeer

	// Creating the command installs the apiserver's SIGTERM/SIGINT handler
	// (genericapiserver.SetupSignalContext); RequestShutdown needs it.
	cmd := app.NewAPIServerCommand()
	l := &launcher{}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	defer l.cancel()
	defer l.stopChildren()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		s := <-sigs
		l.shutdown("got "+s.String(), true)
	}()
	if o.exitOnStdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			l.shutdown("stdin closed", false)
		}()
	}
	ppid := os.Getppid()
	go func() {
		for range time.Tick(time.Second) {
			if os.Getppid() != ppid {
				l.shutdown(fmt.Sprintf("parent %d is gone", ppid), false)
				return
			}
		}
	}()

	var pki *pki
	if o.keep {
		pki, err = readPKI(dir)
	} else {
		pki, err = writePKI(dir)
	}
	if err != nil {
		logf("pki: %v", err)
		return 1
	}
	url := fmt.Sprintf("https://127.0.0.1:%d", o.port)
	if err := pki.writeKubeconfigs(dir, url); err != nil {
		logf("kubeconfig: %v", err)
		return 1
	}

	etcd, err := startEtcd(dir, o.etcdPort, peerPort, o.keep)
	if err != nil {
		logf("etcd: %v", err)
		return 1
	}
	defer func() {
		etcd.Close()
		logf("etcd stopped")
	}()
	logf("etcd ready on 127.0.0.1:%d after %v", o.etcdPort, time.Since(start).Round(time.Millisecond))
	if l.ctx.Err() != nil {
		return 1
	}

	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(o.port),
		"--etcd-servers=" + fmt.Sprintf("http://127.0.0.1:%d", o.etcdPort),
		"--tls-cert-file=" + filepath.Join(dir, "apiserver.crt"),
		"--tls-private-key-file=" + filepath.Join(dir, "apiserver.key"),
		"--client-ca-file=" + filepath.Join(dir, "ca.crt"),
		"--token-auth-file=" + filepath.Join(dir, "tokens.csv"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file=" + filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=Node,RBAC",
		// The default-enabled admission plugins stay on; NodeRestriction as kubeadm adds it.
		"--enable-admission-plugins=NodeRestriction",
		"--allow-privileged=true",
		"--profiling=false",
		"--v=" + strconv.Itoa(o.verbosity),
	}
	args = append(args, o.extraArgs...)
	cmd.SetArgs(args)
	apiDone := make(chan int, 1)
	go func() { apiDone <- cli.Run(cmd) }()

	ready := make(chan error, 1)
	go func() { ready <- waitReady(l.ctx, pki, url) }()
	select {
	case code := <-apiDone:
		logf("kube-apiserver exited (%d) before it was ready", code)
		return 1
	case err := <-ready:
		if err != nil {
			logf("readyz: %v", err)
			l.shutdown("not ready", false)
			<-apiDone
			return 1
		}
	}
	logf("kube-apiserver ready at %s after %v", url, time.Since(start).Round(time.Millisecond))

	if o.components != "" {
		err := startComponents(l, o, dir)
		if err == nil {
			err = waitNode(l, pki, url, apiDone)
		}
		if err != nil {
			l.shutdown("components: "+err.Error(), false)
			<-apiDone
			return 1
		}
		logf("node %s Ready after %v", fakeNodeName, time.Since(start).Round(time.Millisecond))
	}

	fmt.Printf("READY %s %s\n", filepath.Join(dir, "admin.kubeconfig"), url)
	_ = os.Stdout.Sync()

	// A child that dies takes the control plane down with it.
	l.mu.Lock()
	for _, c := range l.children {
		go func(c *child) {
			<-c.done
			if !stopping.Load() {
				l.shutdown(c.name+" exited unexpectedly", false)
			}
		}(c)
	}
	l.mu.Unlock()
	code := <-apiDone
	logf("kube-apiserver stopped (%d)", code)
	if code == 0 && l.ctx.Err() == nil {
		code = 1 // stopped without being asked to
	}
	return code
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startEtcd(dir string, clientPort, peerPort int, keep bool) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "driftless-test"
	cfg.Dir = filepath.Join(dir, "etcd")
	// A fresh start generates new certificates and tokens: old data is of no use.
	if !keep {
		if err := os.RemoveAll(cfg.Dir); err != nil {
			return nil, err
		}
	}
	cu, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", clientPort))
	pu, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", peerPort))
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = cfg.Name + "=" + pu.String()
	cfg.UnsafeNoFsync = !keep // throw-away test data, unless a restart is to find it
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(dir, "etcd.log")}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, err
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, errors.New("etcd not ready after 60s")
	}
}

// ports are the loopback ports of a control plane, kept in <dir>/ports.json
// for a restart with --keep.
type ports struct {
	APIServer int `json:"apiserver"`
	Etcd      int `json:"etcd"`
	EtcdPeer  int `json:"etcdPeer"`
}

func (p *ports) write(dir string) error {
	b, _ := json.Marshal(p)
	return os.WriteFile(filepath.Join(dir, "ports.json"), b, 0o600)
}

func readPorts(dir string) (*ports, error) {
	b, err := os.ReadFile(filepath.Join(dir, "ports.json"))
	if err != nil {
		return nil, err
	}
	var p ports
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("ports.json: %w", err)
	}
	if p.APIServer == 0 || p.Etcd == 0 || p.EtcdPeer == 0 {
		return nil, fmt.Errorf("ports.json: a port is missing: %s", b)
	}
	return &p, nil
}

// ---- certificates, keys, tokens, kubeconfigs ----

// users are the static-token users: name, file stem, groups.
var users = []struct{ name, file, groups string }{
	{"admin", "admin", "system:masters"},
	{driftlessSAUser, "driftless", "system:serviceaccounts,system:serviceaccounts:driftless,system:authenticated"},
	{"system:kube-controller-manager", "controller-manager", ""},
	{"system:kube-scheduler", "scheduler", ""},
}

// readPKI reads back what writePKI wrote into dir (for --keep).
func readPKI(dir string) (*pki, error) {
	ca, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return nil, err
	}
	p := &pki{caPEM: ca, tokens: map[string]string{}}
	for _, u := range users {
		t, err := os.ReadFile(filepath.Join(dir, u.file+".token"))
		if err != nil {
			return nil, err
		}
		p.tokens[u.file] = strings.TrimSpace(string(t))
	}
	return p, nil
}

type pki struct {
	caPEM  []byte
	tokens map[string]string // user name -> token
}

func writePKI(dir string) (*pki, error) {
	now := time.Now().Add(-time.Hour)
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "driftless-test-ca"},
		NotBefore:             now,
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)

	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now,
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("10.96.0.1")},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}

	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return nil, err
	}

	p := &pki{caPEM: pemBlock("CERTIFICATE", caDER), tokens: map[string]string{}}
	files := map[string][]byte{
		"ca.crt":        p.caPEM,
		"ca.key":        pemECKey(caKey),
		"apiserver.crt": pemBlock("CERTIFICATE", srvDER),
		"apiserver.key": pemECKey(srvKey),
		"sa.key":        pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(saKey)),
		"sa.pub":        pemBlock("PUBLIC KEY", saPub),
	}
	// Static tokens: token,user,uid,"group1,group2"
	var csv strings.Builder
	for _, u := range users {
		t := randomToken()
		p.tokens[u.file] = t
		fmt.Fprintf(&csv, "%s,%s,%s,\"%s\"\n", t, u.name, u.file, u.groups)
		files[u.file+".token"] = []byte(t)
	}
	files["tokens.csv"] = []byte(csv.String())
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pemECKey(k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		panic(err)
	}
	return pemBlock("EC PRIVATE KEY", der)
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func (p *pki) writeKubeconfigs(dir, server string) error {
	for _, name := range []string{"admin", "driftless", "controller-manager", "scheduler"} {
		kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: driftless-test
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: %s
  context:
    cluster: driftless-test
    user: %s
current-context: %s
`, server, base64.StdEncoding.EncodeToString(p.caPEM), name, p.tokens[name], name, name, name)
		if err := os.WriteFile(filepath.Join(dir, name+".kubeconfig"), []byte(kc), 0o600); err != nil {
			return err
		}
	}
	return nil
}

func (p *pki) client() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.caPEM)
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
}

func (p *pki) request(method, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(string(body)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.tokens["admin"])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func waitReady(ctx context.Context, p *pki, url string) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		code, body, err := p.request("GET", url+"/readyz", nil)
		if err == nil && code == 200 && strings.TrimSpace(string(body)) == "ok" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("/readyz not ok after 3 minutes")
}

// ---- optional components ----

type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// stopping is set once the launcher stops its children on purpose.
var stopping atomic.Bool

func (c *child) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
	logf("%s stopped", c.name)
}

func startChild(dir, name, bin string, args ...string) (*child, error) {
	// appended to: a restart (--keep) adds to the earlier run's log
	logFile, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		logFile.Close()
		if !stopping.Load() {
			logf("%s exited: %v (see %s)", name, err, logFile.Name())
		}
		close(c.done)
	}()
	logf("started %s (pid %d)", name, cmd.Process.Pid)
	return c, nil
}

func startComponents(l *launcher, o options, dir string) error {
	bin, err := filepath.Abs(o.components)
	if err != nil {
		return err
	}
	kwokConfig := o.kwokConfig
	if kwokConfig == "" {
		kwokConfig = filepath.Join(filepath.Dir(bin), "kwok.yaml")
	}
	v := "--v=" + strconv.Itoa(o.verbosity)
	kcm := filepath.Join(dir, "controller-manager.kubeconfig")
	sched := filepath.Join(dir, "scheduler.kubeconfig")
	admin := filepath.Join(dir, "admin.kubeconfig")
	start := func(name string, args ...string) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.ctx.Err() != nil {
			return l.ctx.Err()
		}
		c, err := startChild(dir, name, filepath.Join(bin, name), args...)
		if err == nil {
			l.children = append(l.children, c)
		}
		return err
	}
	if err := start("kube-controller-manager",
		"--kubeconfig="+kcm,
		"--authentication-kubeconfig="+kcm,
		"--authorization-kubeconfig="+kcm,
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--leader-elect=false",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file="+filepath.Join(dir, "sa.key"),
		"--root-ca-file="+filepath.Join(dir, "ca.crt"),
		"--cluster-signing-cert-file="+filepath.Join(dir, "ca.crt"),
		"--cluster-signing-key-file="+filepath.Join(dir, "ca.key"),
		"--controllers=*",
		"--cluster-name=driftless-test",
		v,
	); err != nil {
		return err
	}
	if err := start("kube-scheduler",
		"--kubeconfig="+sched,
		"--authentication-kubeconfig="+sched,
		"--authorization-kubeconfig="+sched,
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--leader-elect=false",
		v,
	); err != nil {
		return err
	}
	return start("kwok",
		"--kubeconfig="+admin,
		"--config="+kwokConfig,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		// kwok renews the Node's Lease, so the node lifecycle controller sees a heartbeat
		"--node-lease-duration-seconds=40",
		// no --server-address/--node-port: kwok's kubelet-like server (logs, exec) stays off
		v,
	)
}

// fakeNode is the Node object kwok's documentation registers: kwok manages it
// because of the annotation, and the taint keeps DaemonSets of real clusters off.
func fakeNode(name string) []byte {
	node := map[string]any{
		"apiVersion": "v1",
		"kind":       "Node",
		"metadata": map[string]any{
			"name": name,
			"annotations": map[string]string{
				"node.alpha.kubernetes.io/ttl": "0",
				"kwok.x-k8s.io/node":           "fake",
			},
			"labels": map[string]string{
				"beta.kubernetes.io/arch":       "amd64",
				"beta.kubernetes.io/os":         "linux",
				"kubernetes.io/arch":            "amd64",
				"kubernetes.io/hostname":        name,
				"kubernetes.io/os":              "linux",
				"kubernetes.io/role":            "agent",
				"node-role.kubernetes.io/agent": "",
				"type":                          "kwok",
			},
		},
		"spec": map[string]any{},
		"status": map[string]any{
			"allocatable": map[string]string{"cpu": "32", "memory": "256Gi", "pods": "110"},
			"capacity":    map[string]string{"cpu": "32", "memory": "256Gi", "pods": "110"},
			"nodeInfo": map[string]string{
				"architecture": "amd64", "bootID": "", "containerRuntimeVersion": "", "kernelVersion": "",
				"kubeProxyVersion": "fake", "kubeletVersion": "fake", "machineID": "", "operatingSystem": "linux",
				"osImage": "", "systemUUID": "",
			},
			"phase": "Running",
		},
	}
	b, _ := json.Marshal(node)
	return b
}

// waitNode registers the fake Node and waits until kwok has made it Ready.
func waitNode(l *launcher, p *pki, url string, apiDone chan int) error {
	code, body, err := p.request("POST", url+"/api/v1/nodes", fakeNode(fakeNodeName))
	if err != nil {
		return err
	}
	if code != 201 && code != 409 {
		return fmt.Errorf("create node: %d %s", code, body)
	}
	l.mu.Lock()
	children := l.children
	l.mu.Unlock()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		for _, c := range children {
			select {
			case <-c.done:
				return fmt.Errorf("%s exited", c.name)
			default:
			}
		}
		code, body, err := p.request("GET", url+"/api/v1/nodes/"+fakeNodeName, nil)
		if err == nil && code == 200 {
			var n struct {
				Status struct {
					Conditions []struct{ Type, Status string }
				}
			}
			if json.Unmarshal(body, &n) == nil {
				for _, c := range n.Status.Conditions {
					if c.Type == "Ready" && c.Status == "True" {
						return nil
					}
				}
			}
		}
		select {
		case <-l.ctx.Done():
			return l.ctx.Err()
		case code := <-apiDone:
			apiDone <- code
			return fmt.Errorf("kube-apiserver exited (%d)", code)
		case <-time.After(200 * time.Millisecond):
		}
	}
	return errors.New("node not Ready after 2 minutes")
}
