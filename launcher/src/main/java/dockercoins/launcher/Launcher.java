package dockercoins.launcher;

public class Launcher {
    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
