package dockercoins.worker;

public class Worker {
    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
